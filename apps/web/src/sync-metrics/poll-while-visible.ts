/**
 * Runs `read` now, then `intervalMs` after each read settled, skipping reads while the page is hidden
 * (no polling in a background tab, R13.1) and reading at once when it is visible again. `read` gets
 * `isStopped` to drop results that arrive after the returned stop function was called.
 */
export function pollWhileVisible(read: (isStopped: () => boolean) => Promise<void>, intervalMs: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const isStopped = () => stopped;
  const readIfVisible = async () => {
    if (document.visibilityState !== 'hidden') await read(isStopped);
  };
  const loop = async () => {
    await readIfVisible();
    if (!stopped) timer = setTimeout(loop, intervalMs);
  };
  void loop();
  const onVisible = () => {
    if (document.visibilityState === 'visible') void readIfVisible();
  };
  document.addEventListener('visibilitychange', onVisible);
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
