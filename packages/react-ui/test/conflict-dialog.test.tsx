// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ConflictDialog } from '../src/conflict-dialog.tsx';

afterEach(cleanup);

const renderDialog = (onResolve = vi.fn(), onCancel = vi.fn()) => {
  render(
    <ConflictDialog
      fieldLabel="Dietary notes"
      base="No nuts"
      mine="No nuts, vegan option"
      theirs="No nuts or shellfish"
      theirsByName="Sarah"
      theirsAtMs={Date.now() - 60_000}
      onResolve={onResolve}
      onCancel={onCancel}
    />,
  );
  return { onResolve, onCancel };
};

describe('ConflictDialog', () => {
  test('R4.2 shows both versions and who made theirs, as a named modal dialog', () => {
    renderDialog();
    const dialog = screen.getByRole('dialog', { name: 'Conflicting change to Dietary notes' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(screen.getByRole('region', { name: 'Your version' }).textContent).toContain('No nuts, vegan option');
    expect(screen.getByRole('region', { name: "Sarah's version" }).textContent).toContain('No nuts or shellfish');
    expect(dialog.textContent).toContain('Sarah changed Dietary notes 1 minute ago');
  });

  test('R4.2 keep mine / use theirs resolve with that choice', () => {
    const { onResolve } = renderDialog();
    fireEvent.click(screen.getByRole('button', { name: 'Keep mine' }));
    fireEvent.click(screen.getByRole('button', { name: 'Use theirs' }));
    expect(onResolve.mock.calls).toEqual([[{ kind: 'mine' }], [{ kind: 'theirs' }]]);
  });

  test('R4.2 edit merged starts from both versions and resolves with the edited text', () => {
    const { onResolve } = renderDialog();
    fireEvent.click(screen.getByRole('button', { name: 'Edit merged' }));
    const textarea = screen.getByLabelText('Merged value') as HTMLTextAreaElement;
    expect(textarea.value).toBe('No nuts, vegan option\nNo nuts or shellfish');
    fireEvent.change(textarea, { target: { value: 'No nuts or shellfish, vegan option' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save merged' }));
    expect(onResolve).toHaveBeenCalledWith({ kind: 'merged', value: 'No nuts or shellfish, vegan option' });
  });

  test('R15.1 Escape defers the decision (cancel), leaving the conflict pending', () => {
    const { onCancel, onResolve } = renderDialog();
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onResolve).not.toHaveBeenCalled();
  });
});
