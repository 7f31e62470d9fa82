// Runs one long engine job (create:start / verify:start) and follows its job:progress events.
// Cancelling sends the matching *:cancel; the start command then answers ABORTED.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CommandArg, CommandName, CommandResult, ErrorCode, Result, TesseraApi } from '../../../shared/contract.ts';
import { createJobMeter, newJobId, type JobProgress } from './job-meter.ts';

type JobCommand = 'create:start' | 'verify:start';
const CANCEL: Record<JobCommand, 'create:cancel' | 'verify:cancel'> = { 'create:start': 'create:cancel', 'verify:start': 'verify:cancel' };

export type JobState<C extends CommandName> =
  | { phase: 'idle' }
  | { phase: 'running'; jobId: string; progress: JobProgress | null }
  | { phase: 'done'; value: CommandResult<C> }
  | { phase: 'failed'; code: ErrorCode; message: string };

export function useJob<C extends JobCommand>(api: TesseraApi, command: C): {
  state: JobState<C>;
  start(arg: Omit<CommandArg<C>, 'jobId'>): Promise<void>;
  cancel(): void;
  reset(): void;
} {
  const [state, setState] = useState<JobState<C>>({ phase: 'idle' });
  const current = useRef<string | null>(null);
  const mounted = useRef(true);
  useEffect(() => () => {
    mounted.current = false;
    // Closing the dialog mid-job cancels the job: nothing keeps hashing for a window nobody sees.
    if (current.current) void api.invoke(CANCEL[command], { jobId: current.current });
  }, [api, command]);

  const start = useCallback(async (arg: Omit<CommandArg<C>, 'jobId'>) => {
    const jobId = newJobId(command === 'create:start' ? 'create' : 'verify');
    current.current = jobId;
    const meter = createJobMeter();
    setState({ phase: 'running', jobId, progress: null });
    const off = api.on('job:progress', (p) => {
      if (p.jobId !== jobId || !mounted.current) return;
      const progress = meter.update(p.done, p.total, performance.now());
      setState((s) => (s.phase === 'running' && s.jobId === jobId ? { ...s, progress } : s));
    });
    let r: Result<CommandResult<C>>;
    try {
      r = await api.invoke(command, { ...arg, jobId } as CommandArg<C>);
    } catch (e) {
      r = { ok: false, error: { code: 'INTERNAL', message: `the engine did not answer (${String(e)})` } };
    } finally {
      off();
      if (current.current === jobId) current.current = null;
    }
    if (!mounted.current) return;
    setState(r.ok ? { phase: 'done', value: r.value } : { phase: 'failed', code: r.error.code, message: r.error.message });
  }, [api, command]);

  const cancel = useCallback(() => {
    if (current.current) void api.invoke(CANCEL[command], { jobId: current.current });
  }, [api, command]);
  const reset = useCallback(() => setState({ phase: 'idle' }), []);
  return { state, start, cancel, reset };
}
