// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { LiveField, type LiveFieldProps } from '../src/live-field.tsx';

afterEach(cleanup);

const base = (patch: Partial<LiveFieldProps> = {}): LiveFieldProps => ({
  label: 'Guest count',
  type: 'number',
  value: '120',
  remoteChangeKey: 1,
  onEdit: vi.fn(),
  ...patch,
});

describe('LiveField', () => {
  test('R4.1 a field locked by someone else is read-only and names the holder', () => {
    render(<LiveField {...base({ lockedBy: 'Sarah' })} />);
    expect((screen.getByLabelText('Guest count') as HTMLInputElement).readOnly).toBe(true);
    expect(screen.getByText(/Sarah is editing this field/)).toBeTruthy();
  });

  test('R3.4 edits go out as typed, with "Jane is typing…" shown from others', () => {
    const props = base({ typingNames: ['Jane'] });
    render(<LiveField {...props} />);
    const input = screen.getByLabelText('Guest count');
    fireEvent.focus(input);
    fireEvent.change(input, { target: { value: '130' } });
    expect(props.onEdit).toHaveBeenCalledWith('130');
    expect(screen.getByText('Jane is typing…')).toBeTruthy();
  });

  test('R4.1 a remote change while editing warns before overwriting, and holds my edits until I choose', () => {
    const props = base();
    const { rerender } = render(<LiveField {...props} />);
    const input = screen.getByLabelText('Guest count') as HTMLInputElement;
    fireEvent.focus(input);
    fireEvent.change(input, { target: { value: '130' } });
    rerender(<LiveField {...props} value="150" remoteChangeKey={2} remoteChangedBy="Emma" />);
    expect(screen.getByRole('alert').textContent).toContain(
      'Emma changed guest count to “150” while you were editing.',
    );
    fireEvent.change(input, { target: { value: '135' } });
    expect(props.onEdit).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: 'Overwrite with mine' }));
    expect(props.onEdit).toHaveBeenLastCalledWith('135');
  });

  test('R3.1 a remote change to a focused but untouched field simply shows the new value', () => {
    const props = base();
    const { rerender } = render(<LiveField {...props} />);
    const input = screen.getByLabelText('Guest count') as HTMLInputElement;
    fireEvent.focus(input);
    rerender(<LiveField {...props} value="150" remoteChangeKey={2} remoteChangedBy="Emma" />);
    expect(input.value).toBe('150');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  test('R4.1 choosing their value drops my draft and shows theirs', () => {
    const props = base();
    const { rerender } = render(<LiveField {...props} />);
    const input = screen.getByLabelText('Guest count') as HTMLInputElement;
    fireEvent.focus(input);
    fireEvent.change(input, { target: { value: '125' } });
    rerender(<LiveField {...props} value="150" remoteChangeKey={2} remoteChangedBy="Emma" />);
    fireEvent.click(screen.getByRole('button', { name: 'Use their value' }));
    expect(input.value).toBe('150');
  });
});
