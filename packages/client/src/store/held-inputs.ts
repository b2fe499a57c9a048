import { onPageHide, type UnloadTarget } from '../debounce/unload-target.ts';
import type { VisibilityLike } from '../device/device-sync.ts';

/**
 * Input the app holds back before it becomes a store edit (a debounced field, a collaborative text
 * draft inside its 500 ms window, R12.1). Each registers a synchronous `flush` that hands its value
 * to the store; all are flushed when the page unloads or is hidden and before the store closes, so
 * what was typed is in the durable queue before a reload, a tab close or a discarded background
 * page (R11.1).
 */
export class HeldInputs {
  readonly #flushers = new Set<() => void>();
  readonly #removePageHide: () => void;
  readonly #reportError: (error: unknown) => void;
  #closed = false;

  constructor(
    page: { unloadTarget: UnloadTarget | null; visibility: VisibilityLike | null },
    reportError: (error: unknown) => void,
  ) {
    this.#reportError = reportError;
    this.#removePageHide = onPageHide(page.unloadTarget, page.visibility, () => this.flushAll());
  }

  /** Registers `flush`; returns the function that unregisters it. */
  add(flush: () => void): () => void {
    const entry = () => flush();
    if (!this.#closed) this.#flushers.add(entry);
    return () => {
      this.#flushers.delete(entry);
    };
  }

  /** Runs every registered flush (one failing does not keep the others from saving). */
  flushAll(): void {
    for (const flush of [...this.#flushers]) {
      try {
        flush();
      } catch (error) {
        this.#reportError(error);
      }
    }
  }

  /** Flushes once more and removes every listener; later registrations are ignored. */
  close(): void {
    if (this.#closed) return;
    this.flushAll();
    this.#closed = true;
    this.#flushers.clear();
    this.#removePageHide();
  }
}

/** `window` and `document` where the platform has them (browsers), else null (Node). */
export function platformPage(): { unloadTarget: UnloadTarget | null; visibility: VisibilityLike | null } {
  const scope = globalThis as { window?: UnloadTarget; document?: VisibilityLike };
  return {
    unloadTarget: typeof scope.window?.addEventListener === 'function' ? scope.window : null,
    visibility: typeof scope.document?.addEventListener === 'function' ? scope.document : null,
  };
}
