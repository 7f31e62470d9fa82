// The store and the controller reach components through one context, so the app, the benchmark
// harness and any test can each mount <App> with their own.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { Controller } from './store/controller.ts';
import type { AppState, AppStore } from './store/state.ts';

interface AppContextValue { store: AppStore; controller: Controller }
const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider(props: AppContextValue & { children: ReactNode }): ReactNode {
  return <AppContext.Provider value={{ store: props.store, controller: props.controller }}>{props.children}</AppContext.Provider>;
}

function useAppContext(): AppContextValue {
  const v = useContext(AppContext);
  if (!v) throw new Error('AppProvider missing');
  return v;
}

/** Select one field (or use useShallow for several): components re-render only when it changes. */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}
export function useAppStore(): AppStore { return useAppContext().store; }
export function useController(): Controller { return useAppContext().controller; }
