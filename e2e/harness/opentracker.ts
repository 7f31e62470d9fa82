// Debian's opentracker for e2e specs: the same helper the engine's interop tests use.
export { startOpentracker, type Opentracker } from '../../main/test-support/opentracker.ts';
