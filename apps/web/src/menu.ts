import { nextTick, ref } from 'vue';

/**
 * A menu button that behaves like the WAI-ARIA menu button pattern: opening moves focus to the
 * first item, arrows move between items, Escape closes and gives focus back to the button, and
 * focus or a click leaving the menu closes it.
 */
export function useMenu() {
  const open = ref(false);
  const button = ref<HTMLButtonElement | null>(null);
  const menu = ref<HTMLElement | null>(null);

  const items = () => [...(menu.value?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

  async function show(): Promise<void> {
    open.value = true;
    await nextTick();
    items()[0]?.focus();
  }

  function close(returnFocus = false): void {
    if (!open.value) return;
    open.value = false;
    if (returnFocus) button.value?.focus();
  }

  function toggle(): void {
    if (open.value) close(true);
    else void show();
  }

  function onKeydown(event: KeyboardEvent): void {
    if (!open.value) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close(true);
      return;
    }
    if (event.key === 'Tab') return close();
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    if (step !== 0 && list.length) {
      event.preventDefault();
      list[(at + step + list.length) % list.length]?.focus();
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      (event.key === 'Home' ? list[0] : list.at(-1))?.focus();
    }
  }

  /** Focus moved somewhere outside the button and the menu. */
  function onFocusout(event: FocusEvent): void {
    const wrap = event.currentTarget as HTMLElement;
    const next = event.relatedTarget as Node | null;
    if (!next || !wrap.contains(next)) close();
  }

  return { open, button, menu, show, close, toggle, onKeydown, onFocusout };
}
