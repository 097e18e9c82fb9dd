/** A listener for an event whose arguments are the tuple `A`. */
export type Listener<A extends unknown[]> = (...args: A) => void;

/**
 * A minimal typed event emitter (no Node `events` dependency, so it runs in browsers and
 * mini-programs). Listeners run synchronously in registration order; an exception thrown by one
 * listener is reported through `onListenerError` and never stops the others.
 */
export class TypedEmitter<E extends { [K in keyof E]: unknown[] }> {
  private readonly listeners = new Map<keyof E, Set<(...args: never[]) => void>>();

  constructor(private readonly onListenerError: (error: unknown) => void = (e) => console.error(e)) {}

  /** Registers `listener` for `event`; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as unknown as (...args: never[]) => void);
    return () => this.off(event, listener);
  }

  /** Registers `listener` for the next `event` only. */
  once<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    const off = this.on(event, ((...args: E[K]) => {
      off();
      listener(...args);
    }) as Listener<E[K]>);
    return off;
  }

  /** Removes a listener registered with `on`. */
  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    this.listeners.get(event)?.delete(listener as unknown as (...args: never[]) => void);
  }

  /** Calls every listener of `event` with `args`. */
  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as unknown as Listener<E[K]>)(...args);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.listeners.clear();
  }
}
