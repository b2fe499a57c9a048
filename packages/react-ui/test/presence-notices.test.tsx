// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { EditingWarning } from '../src/editing-warning.tsx';
import { FieldGlow } from '../src/field-glow.tsx';
import { LockedField } from '../src/locked-field.tsx';
import { PresenceAvatars } from '../src/presence-avatars.tsx';
import { TypingIndicator } from '../src/typing-indicator.tsx';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('presence and collaboration notices', () => {
  test('R4.3 avatars: active and idle are told apart, with activity', () => {
    const { container } = render(
      <PresenceAvatars
        people={[
          { id: 'u2', name: 'Bob Smith', status: 'idle' },
          { id: 'u1', name: 'Emma Wilson', status: 'active', activity: 'Viewing' },
        ]}
      />,
    );
    expect(screen.getByRole('list', { name: 'People here: 2' })).toBeTruthy();
    const avatars = [...container.querySelectorAll('.ws-avatar')];
    expect(avatars.map((avatar) => avatar.getAttribute('data-status'))).toEqual(['active', 'idle']);
    expect(avatars[0]?.textContent).toContain('Emma Wilson (active, viewing)');
  });

  test('R10.2 "Bob is editing this" and R3.4 "Jane is typing…"', () => {
    render(
      <>
        <EditingWarning editorNames={['Bob']} />
        <TypingIndicator names={['Jane']} />
      </>,
    );
    const statuses = screen.getAllByRole('status').map((status) => status.textContent);
    expect(statuses).toEqual(['✎ Bob is editing this', 'Jane is typing…']);
  });

  test('R4.1 a locked field is read-only, labelled, and names the holder', () => {
    render(<LockedField label="Guest count" value={150} holderName="Sarah" />);
    const input = screen.getByLabelText('Guest count') as HTMLInputElement;
    expect(input.readOnly).toBe(true);
    expect(input.value).toBe('150');
    expect(input.getAttribute('aria-describedby')).toBeTruthy();
    expect(screen.getByText(/Sarah is editing this field/)).toBeTruthy();
  });

  test('R3.3 a field glows briefly after a remote change, not on first render', () => {
    vi.useFakeTimers();
    const { container, rerender } = render(
      <FieldGlow changeKey={1} glowMs={2000} mark="Updated by James">
        <span>150</span>
      </FieldGlow>,
    );
    const glow = () => container.querySelector('.ws-glow')?.getAttribute('data-glowing');
    expect(glow()).toBeNull();
    rerender(
      <FieldGlow changeKey={2} glowMs={2000} mark="Updated by James">
        <span>160</span>
      </FieldGlow>,
    );
    expect(glow()).toBe('true');
    expect(screen.getByText('Updated by James')).toBeTruthy();
    act(() => vi.advanceTimersByTime(2000));
    expect(glow()).toBeNull();
  });
});
