// The renderer's one vanilla zustand store, in typed slices. Every slice is plain data; the
// functions that change it live in actions.ts (module-level, zustand's recommended shape).
// Maps and Sets are replaced on change, never mutated, so selectors can compare by reference.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Settings } from '../../shared/contract.ts';
import type { TorrentDetail, TorrentSummary } from '../../shared/snapshot.ts';
import { DEFAULT_UI_SETTINGS, type UiSettings } from './ui-settings.ts';
import { countStatuses, type StatusCounts } from './view.ts';

export interface TorrentsSlice {
  torrents: ReadonlyMap<string, TorrentSummary>;
  /** Ids after filter + sort: what the list shows, in order. Same array while unchanged. */
  view: readonly string[];
  /** Rows matching each status filter (the sidebar), kept up to date from the changed rows only. */
  statusCounts: StatusCounts;
}

export interface SelectionSlice {
  selected: ReadonlySet<string>;
  /** The torrent the detail pane shows (the last one clicked). */
  focused: string | null;
  /** Where a shift-click range starts. */
  anchor: string | null;
}

export interface DetailSlice {
  detail: TorrentDetail | null;
}

export interface SettingsSlice {
  /** The engine's settings, once fetched. */
  engineSettings: Settings | null;
  /** Renderer-only preferences, saved in localStorage (ui-settings.ts). */
  uiSettings: UiSettings;
}

export type ToastSeverity = 'error' | 'warning' | 'info';
export interface Toast {
  id: number;
  severity: ToastSeverity;
  /** Plain words for the user (plain-errors.ts). */
  message: string;
  /** The engine's own text, shown under "details". */
  detail?: string;
  torrentName?: string;
  /** Same message repeated: counted instead of stacked. */
  count: number;
  at: number;
}
export interface ErrorsSlice { toasts: readonly Toast[]; nextToastId: number }

export type StatusFilter = 'all' | 'downloading' | 'seeding' | 'completed' | 'paused' | 'active' | 'error';
export type Dialog =
  | { kind: 'magnet' }
  | { kind: 'remove'; ids: readonly string[] }
  | { kind: 'settings' }
  | { kind: 'create' }
  | { kind: 'verify'; id?: string }
  | null;
export interface ContextMenuState { x: number; y: number }
export interface SessionStats { downRate: number; upRate: number; port: number }

export interface UiSlice {
  filterText: string;
  statusFilter: StatusFilter;
  dialog: Dialog;
  contextMenu: ContextMenuState | null;
  dropActive: boolean;
  session: SessionStats | null;
  /** Whether the system prefers dark (kept here so the theme resolves without a DOM in tests). */
  systemDark: boolean;
}

export type AppState = TorrentsSlice & SelectionSlice & DetailSlice & SettingsSlice & ErrorsSlice & UiSlice;
export type AppStore = StoreApi<AppState>;

export function initialState(uiSettings: UiSettings = DEFAULT_UI_SETTINGS): AppState {
  return {
    torrents: new Map(), view: [], statusCounts: countStatuses([]),
    selected: new Set(), focused: null, anchor: null,
    detail: null,
    engineSettings: null, uiSettings,
    toasts: [], nextToastId: 1,
    filterText: '', statusFilter: 'all', dialog: null, contextMenu: null, dropActive: false, session: null, systemDark: false,
  };
}

export function createAppStore(uiSettings?: UiSettings): AppStore {
  return createStore<AppState>()(() => initialState(uiSettings));
}
