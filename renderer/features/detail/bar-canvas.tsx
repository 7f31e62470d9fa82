// A one-row bar drawn with putImageData, at device-pixel width so piece edges land on real
// pixels. Redrawn when its data or its width changes (ResizeObserver), never on a timer.
import { useEffect, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { repeatRow } from '../../canvas/piece-bar.ts';
import { useElementWidth } from '../../lib/use-element-width.ts';

export interface BarCanvasProps {
  /** One RGBA row of exactly `width` device pixels. Memoise it: a new function means a redraw. */
  rasterise: (width: number) => Uint8ClampedArray;
  height: number;
  label: string;
  /** Device-pixel x under the pointer and the bar's device width, or null when it leaves. */
  onHover: (x: number | null, width: number) => void;
}

export function BarCanvas({ rasterise, height, label, onHover }: BarCanvasProps): ReactNode {
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const cssWidth = useElementWidth(wrap);
  const [dpr, setDpr] = useState(() => (typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1));
  useEffect(() => {
    // Moving the window to a screen with another scale changes devicePixelRatio.
    const mq = window.matchMedia(`(resolution: ${dpr}dppx)`);
    const onChange = (): void => setDpr(window.devicePixelRatio || 1);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, [dpr]);
  const w = Math.max(0, Math.round(cssWidth * dpr));
  const h = Math.max(1, Math.round(height * dpr));

  useEffect(() => {
    const c = canvas.current;
    if (!c || w === 0) return;
    if (c.width !== w) c.width = w;
    if (c.height !== h) c.height = h;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.putImageData(new ImageData(repeatRow(rasterise(w), h), w, h), 0, 0);
  }, [rasterise, w, h]);

  const onMove = (e: MouseEvent<HTMLCanvasElement>): void => {
    const r = e.currentTarget.getBoundingClientRect();
    if (r.width <= 0) return;
    onHover(Math.min(w - 1, Math.max(0, Math.floor(((e.clientX - r.left) * w) / r.width))), w);
  };
  return (
    <div className="bar-wrap" ref={wrap} style={{ height }}>
      <canvas ref={canvas} className="bar-canvas" role="img" aria-label={label}
        style={{ width: '100%', height }} onMouseMove={onMove} onMouseLeave={() => onHover(null, w)} />
    </div>
  );
}
