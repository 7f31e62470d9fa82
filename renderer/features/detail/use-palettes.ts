import { useMemo } from 'react';
import { useApp } from '../../app-context.tsx';
import { readPalettes } from '../../canvas/css-palette.ts';
import { DEFAULT_HEAT_PALETTE, DEFAULT_PIECE_PALETTE } from '../../canvas/palette.ts';
import { resolvedTheme } from '../../store/actions.ts';

/** The bar palettes for the current theme, re-read from CSS whenever the theme changes. */
export function usePalettes(): ReturnType<typeof readPalettes> {
  const theme = useApp(resolvedTheme);
  return useMemo(() => {
    if (typeof document === 'undefined') return { pieces: DEFAULT_PIECE_PALETTE, heat: DEFAULT_HEAT_PALETTE };
    void theme; // the dependency: data-theme has been applied to <html> by the time this runs
    return readPalettes(document.documentElement);
  }, [theme]);
}
