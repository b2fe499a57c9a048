// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ConnectionIndicator } from '../src/connection-indicator.tsx';

afterEach(cleanup);

describe('ConnectionIndicator', () => {
  test.each([
    ['connected', 40, 'green', 'Connection: connected'],
    ['connected', 2500, 'yellow', 'Connection: slow connection'],
    ['connecting', null, 'yellow', 'Connection: connecting'],
    ['disconnected', null, 'red', 'Connection: offline'],
    ['error', null, 'red', 'Connection: connection error'],
  ] as const)(
    'R1.6 %s (latency %s) is %s with an accessible status named by its state',
    (state, latencyMs, tone, name) => {
      const { container } = render(<ConnectionIndicator state={state} latencyMs={latencyMs} onReconnect={() => {}} />);
      expect(screen.getByRole('status', { name })).toBeTruthy();
      expect(container.querySelector('.ws-conn')?.getAttribute('data-tone')).toBe(tone);
    },
  );

  test('R1.6 reconnecting is yellow and pulsing, naming the attempt', () => {
    const { container } = render(<ConnectionIndicator state="reconnecting" attempt={3} />);
    expect(screen.getByRole('status', { name: 'Connection: reconnecting (attempt 3)' })).toBeTruthy();
    const root = container.querySelector('.ws-conn');
    expect(root?.getAttribute('data-tone')).toBe('yellow');
    expect(root?.getAttribute('data-pulsing')).toBe('true');
  });

  test('R1.6 error shows a retry button that reconnects; other states do not', () => {
    const onReconnect = vi.fn();
    const { rerender } = render(<ConnectionIndicator state="error" reason="TOKEN_EXPIRED" onReconnect={onReconnect} />);
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onReconnect).toHaveBeenCalledTimes(1);
    rerender(<ConnectionIndicator state="disconnected" onReconnect={onReconnect} />);
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  test('R1.6 clicking shows details (state, latency, last synced, queue, channels) with a manual reconnect', () => {
    const onReconnect = vi.fn();
    render(
      <ConnectionIndicator
        state="connected"
        latencyMs={42}
        lastSyncedAtMs={Date.now() - 120_000}
        queuedChanges={3}
        channels={['supplier:s1', 'wedding:w1']}
        onReconnect={onReconnect}
      />,
    );
    const trigger = screen.getByRole('button', { name: /connection details/i });
    expect(trigger.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(trigger);
    const dialog = screen.getByRole('dialog', { name: 'Connection' });
    const text = dialog.textContent ?? '';
    expect(text).toContain('Connected');
    expect(text).toContain('42 ms');
    expect(text).toContain('2 minutes ago');
    expect(text).toContain('3');
    expect(text).toContain('supplier:s1');
    expect(text).toContain('wedding:w1');
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect now' }));
    expect(onReconnect).toHaveBeenCalledTimes(1);
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  test('R15.1 on the long-poll transport the pill and the details say HTTP fallback; on WebSocket they do not', () => {
    const { rerender } = render(<ConnectionIndicator state="connected" latencyMs={40} transport="longpoll" />);
    expect(screen.getByRole('status', { name: 'Connection: connected' })).toBeTruthy();
    const trigger = screen.getByRole('button', { name: 'Connection details: Connected (HTTP fallback)' });
    expect(trigger.textContent).toContain('HTTP fallback');
    fireEvent.click(trigger);
    expect(screen.getByRole('dialog').textContent).toContain('TransportHTTP long-poll (fallback');
    rerender(<ConnectionIndicator state="connected" latencyMs={40} transport="websocket" />);
    expect(screen.getByRole('button', { name: 'Connection details: Connected' }).textContent).not.toContain(
      'HTTP fallback',
    );
    expect(screen.getByRole('dialog').textContent).toContain('TransportWebSocket');
  });

  test('R1.5 details show the reason and the next retry countdown while reconnecting', () => {
    render(
      <ConnectionIndicator
        state="reconnecting"
        attempt={2}
        reason="HEARTBEAT_TIMEOUT"
        nextRetryAtMs={Date.now() + 4_000}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: /connection details/i }));
    const text = screen.getByRole('dialog').textContent ?? '';
    expect(text).toContain('HEARTBEAT_TIMEOUT');
    expect(text).toMatch(/Next retry\s*in [1-4] s/);
  });
});
