// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { formatChangeMessage, type ToastItem } from '../src/toast/toast-model.ts';
import { useToastQueue } from '../src/toast/use-toast-queue.ts';
import { ToastStack } from '../src/toast-stack.tsx';

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function Harness({ initial }: { initial: Omit<ToastItem, 'id'>[] }) {
  const queue = useToastQueue();
  return (
    <>
      <button
        type="button"
        onClick={() => {
          for (const toast of initial) queue.push(toast);
        }}
      >
        push
      </button>
      <ToastStack toasts={queue.toasts} onDismiss={queue.dismiss} />
    </>
  );
}

describe('ToastStack', () => {
  test('R3.3 a change toast says what changed, old → new, and who', () => {
    expect(formatChangeMessage({ actorName: 'James', fieldLabel: 'guest count', from: 120, to: 150 })).toBe(
      'James changed guest count 120 → 150',
    );
  });

  test('R3.3 a subtle toast auto-dismisses after its duration', () => {
    render(<Harness initial={[{ message: 'James changed guest count 120 → 150', durationMs: 4000 }]} />);
    fireEvent.click(screen.getByText('push'));
    expect(screen.getByRole('status').textContent).toContain('James changed guest count 120 → 150');
    act(() => vi.advanceTimersByTime(3999));
    expect(screen.queryByText(/James changed/)).not.toBeNull();
    act(() => vi.advanceTimersByTime(1));
    expect(screen.queryByText(/James changed/)).toBeNull();
  });

  test('R15.2 a must-act toast is an alert and never auto-dismisses', () => {
    render(<Harness initial={[{ message: 'Sign in again to keep syncing', importance: 'must-act' }]} />);
    fireEvent.click(screen.getByText('push'));
    act(() => vi.advanceTimersByTime(60_000));
    expect(screen.getByRole('alert').textContent).toContain('Sign in again');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss notification' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  test('R3.3 hovering a toast pauses its countdown; leaving resumes with the remaining time', () => {
    render(<Harness initial={[{ message: 'Venue updated', durationMs: 5000 }]} />);
    fireEvent.click(screen.getByText('push'));
    act(() => vi.advanceTimersByTime(3000));
    const toast = screen.getByRole('status');
    fireEvent.mouseEnter(toast);
    act(() => vi.advanceTimersByTime(10_000));
    expect(screen.queryByText('Venue updated')).not.toBeNull();
    fireEvent.mouseLeave(toast);
    act(() => vi.advanceTimersByTime(1999));
    expect(screen.queryByText('Venue updated')).not.toBeNull();
    act(() => vi.advanceTimersByTime(1));
    expect(screen.queryByText('Venue updated')).toBeNull();
  });
});
