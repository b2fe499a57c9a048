// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ActivityFeed, type ActivityItem } from '../src/activity-feed.tsx';

afterEach(cleanup);

const item = (id: string, text: string): ActivityItem => ({ id, text, atMs: Date.now() });
const texts = () =>
  within(screen.getByRole('list', { name: 'Activity items' }))
    .queryAllByRole('button')
    .map((button) => button.querySelector('.ws-activity__text')?.textContent);

describe('ActivityFeed', () => {
  test('R6.1 new items appear at the top, highlighted', () => {
    const first = [item('a', 'Emma just completed the timeline form')];
    const { rerender, container } = render(<ActivityFeed items={first} />);
    rerender(<ActivityFeed items={[item('b', 'James updated the guest count to 150'), ...first]} />);
    expect(texts()).toEqual(['James updated the guest count to 150', 'Emma just completed the timeline form']);
    const rows = container.querySelectorAll('.ws-activity__row');
    expect(rows[0]?.getAttribute('data-fresh')).toBe('true');
    expect(rows[1]?.getAttribute('data-fresh')).toBeNull();
  });

  test('R6.1 the feed is paused while hovered and catches up when the pointer leaves', () => {
    const first = [item('a', 'first')];
    const { rerender } = render(<ActivityFeed items={first} />);
    const feed = screen.getByRole('region', { name: 'Activity' });
    fireEvent.mouseEnter(feed);
    rerender(<ActivityFeed items={[item('c', 'third'), item('b', 'second'), ...first]} />);
    expect(texts()).toEqual(['first']);
    expect(screen.getByRole('button', { name: '2 new activities' })).toBeTruthy();
    expect(screen.getByText('Paused while you read')).toBeTruthy();
    fireEvent.mouseLeave(feed);
    expect(texts()).toEqual(['third', 'second', 'first']);
    expect(screen.queryByRole('button', { name: /new activit/ })).toBeNull();
  });

  test('R6.1 scrolled down, arrivals keep the reader in place instead of auto-scrolling', () => {
    const first = Array.from({ length: 20 }, (_, index) => item(`i${index}`, `old ${index}`));
    const { rerender, container } = render(<ActivityFeed items={first} />);
    const viewport = container.querySelector('.ws-activity__viewport') as HTMLElement;
    viewport.scrollTop = 128;
    fireEvent.scroll(viewport);
    rerender(<ActivityFeed items={[item('n1', 'new one'), ...first]} />);
    expect(viewport.scrollTop).toBe(128 + 64);
    expect(screen.getByRole('button', { name: '1 new activity' })).toBeTruthy();
  });

  test('R6.1 clicking an item shows its details', () => {
    const onSelect = vi.fn();
    const entry: ActivityItem = { ...item('a', 'Payment received'), details: [{ label: 'Amount', value: '£450' }] };
    render(<ActivityFeed items={[entry]} onSelect={onSelect} />);
    fireEvent.click(screen.getByRole('button', { name: /Payment received/ }));
    expect(onSelect).toHaveBeenCalledWith(entry);
    expect(within(screen.getByRole('region', { name: 'Activity details' })).getByText('£450')).toBeTruthy();
  });

  test('UI freeze guard: 1,000 incoming items render in one pass well under 200 ms, windowed', () => {
    const { rerender, container } = render(<ActivityFeed items={[item('seed', 'seed')]} />);
    const burst = Array.from({ length: 1000 }, (_, index) => item(`b${index}`, `Change ${index}`));
    const startedAtMs = performance.now();
    rerender(<ActivityFeed items={burst} />);
    const elapsedMs = performance.now() - startedAtMs;
    expect(container.querySelectorAll('.ws-activity__row').length).toBeLessThan(60);
    expect(elapsedMs).toBeLessThan(200);
  });
});
