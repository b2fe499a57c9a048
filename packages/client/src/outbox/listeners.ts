/** A minimal typed event hub: `on` returns the function that removes the listener. */
export class Listeners<Events extends Record<string, unknown>> {
  readonly #byEvent = new Map<keyof Events, Set<(payload: never) => void>>();

  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.#byEvent.get(event);
    if (!set) {
      set = new Set();
      this.#byEvent.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  /** Calls every listener; a throwing listener does not stop the others (its error is rethrown asynchronously). */
  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    for (const listener of [...(this.#byEvent.get(event) ?? [])]) {
      try {
        (listener as (payload: Events[E]) => void)(payload);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  clear(): void {
    this.#byEvent.clear();
  }
}
