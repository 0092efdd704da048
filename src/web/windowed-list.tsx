// A list that renders only the rows in view (plus a few either side), so 10,000 transfers cost the
// page what a screenful does. Rows have one fixed height; the scroll area keeps the full height
// with two spacers.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

const OVERSCAN = 8;

export function WindowedList<T>({
  items,
  rowHeight,
  label,
  render,
}: {
  items: readonly T[];
  rowHeight: number;
  /** The list's accessible name. */
  label: string;
  render: (item: T, index: number) => ComponentChildren;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 800 });
  useEffect(() => {
    const element = box.current;
    if (element === null) return undefined;
    const update = (): void => setView({ top: element.scrollTop, height: element.clientHeight });
    update();
    element.addEventListener('scroll', update, { passive: true });
    const resized = new ResizeObserver(update);
    resized.observe(element);
    return () => {
      element.removeEventListener('scroll', update);
      resized.disconnect();
    };
  }, []);
  const first = Math.max(0, Math.floor(view.top / rowHeight) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((view.top + view.height) / rowHeight) + OVERSCAN);
  const shown = items.slice(first, last);
  return (
    <div ref={box} class="windowed" role="list" aria-label={label} tabIndex={0}>
      <div style={{ height: `${first * rowHeight}px` }} aria-hidden="true" />
      {shown.map((item, i) => (
        <div role="listitem" class="row" style={{ height: `${rowHeight}px` }} key={first + i}>
          {render(item, first + i)}
        </div>
      ))}
      <div style={{ height: `${(items.length - last) * rowHeight}px` }} aria-hidden="true" />
    </div>
  );
}
