// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { MobileTopBar } from '../src/mobile-top-bar.tsx';

afterEach(cleanup);

describe('MobileTopBar', () => {
  test('R15.1 R13.2 the sync line says HTTP fallback while on long-poll, and not on WebSocket', () => {
    const bar = (transport: 'websocket' | 'longpoll') => (
      <MobileTopBar title="Emma & James" state="connected" transport={transport} onOpenSyncSettings={() => {}} />
    );
    const { rerender } = render(bar('longpoll'));
    const status = screen.getByRole('status', { name: 'Connection: connected' });
    expect(status.textContent).toContain('HTTP fallback');
    rerender(bar('websocket'));
    expect(screen.getByRole('status', { name: 'Connection: connected' }).textContent).not.toContain('HTTP fallback');
  });
});
