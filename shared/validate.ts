// Run-time validation of every command argument, hand-written per command. Both transports call
// this before anything reaches the engine: an IPC message from a compromised renderer and a
// WebSocket frame from a browser are equally untrusted. Each validator returns a Result; it never
// throws and never returns the caller's object (it builds a fresh one holding only known keys).
// This file holds the table of validators per command; the field checkers are in
// validate-fields.ts, settings in validate-settings.ts, create/verify jobs in validate-jobs.ts.
import type { CommandArg, CommandName } from './contract.ts';
import { MAX_FILES_PAGE, type FilePriority } from './snapshot.ts';
import {
  MAX_MAGNET, MAX_PRIORITIES, MAX_TEXT, MAX_TIER, addOptions, bad, base64, bool, ids, int, jobId, ok, priority, record, str,
  torrentId, trackerUrl, type V,
} from './validate-fields.ts';
import { createRequest, verifyRequest } from './validate-jobs.ts';
import { validateSettingsPatch } from './validate-settings.ts';

export {
  MAX_IDS, MAX_MAGNET, MAX_PATH, MAX_PRIORITIES, MAX_TEXT, MAX_TIER, MAX_TORRENT_BASE64, MAX_TRACKER_URL, MAX_URLS, trackerUrl,
} from './validate-fields.ts';
export { MAX_DHT_BOOTSTRAP, dhtBootstrapNode, validateSettingsPatch } from './validate-settings.ts';

type Validators = { [C in CommandName]: (arg: unknown) => V<CommandArg<C>> };

export const validators: Validators = {
  'torrent:add-file': (v) => {
    const o = record(v, 'torrent:add-file', ['torrentBase64', 'savePath', 'paused']);
    if (!o.ok) return o;
    const b = base64(o.value.torrentBase64, 'torrentBase64');
    if (!b.ok) return b;
    const opts = addOptions(o.value);
    return opts.ok ? ok({ torrentBase64: b.value, ...opts.value }) : opts;
  },
  'torrent:add-magnet': (v) => {
    const o = record(v, 'torrent:add-magnet', ['uri', 'savePath', 'paused']);
    if (!o.ok) return o;
    const u = str(o.value.uri, 'uri', MAX_MAGNET, { nonEmpty: true });
    if (!u.ok) return u;
    if (!/^magnet:\?/i.test(u.value)) return bad('uri must be a magnet: URI');
    const opts = addOptions(o.value);
    return opts.ok ? ok({ uri: u.value, ...opts.value }) : opts;
  },
  'torrent:pause': (v) => {
    const o = record(v, 'torrent:pause', ['ids']);
    if (!o.ok) return o;
    const i = ids(o.value.ids);
    return i.ok ? ok({ ids: i.value }) : i;
  },
  'torrent:resume': (v) => {
    const o = record(v, 'torrent:resume', ['ids']);
    if (!o.ok) return o;
    const i = ids(o.value.ids);
    return i.ok ? ok({ ids: i.value }) : i;
  },
  'torrent:remove': (v) => {
    const o = record(v, 'torrent:remove', ['ids', 'deleteData']);
    if (!o.ok) return o;
    const i = ids(o.value.ids);
    if (!i.ok) return i;
    const d = bool(o.value.deleteData, 'deleteData');
    return d.ok ? ok({ ids: i.value, deleteData: d.value }) : d;
  },
  'torrent:set-file-priorities': (v) => {
    const o = record(v, 'torrent:set-file-priorities', ['id', 'priorities']);
    if (!o.ok) return o;
    const id = torrentId(o.value.id, 'id');
    if (!id.ok) return id;
    const list = o.value.priorities;
    if (!Array.isArray(list) || list.length > MAX_PRIORITIES) return bad('priorities must be an array');
    const priorities: Array<{ index: number; priority: FilePriority }> = [];
    for (const [i, e] of list.entries()) {
      const r = record(e, `priorities[${i}]`, ['index', 'priority']);
      if (!r.ok) return r;
      const index = int(r.value.index, `priorities[${i}].index`, 0, MAX_PRIORITIES);
      if (!index.ok) return index;
      const p = priority(r.value.priority, `priorities[${i}].priority`);
      if (!p.ok) return p;
      priorities.push({ index: index.value, priority: p.value });
    }
    return ok({ id: id.value, priorities });
  },
  'torrent:files': (v) => {
    const o = record(v, 'torrent:files', ['id', 'from', 'count']);
    if (!o.ok) return o;
    const id = torrentId(o.value.id, 'id');
    if (!id.ok) return id;
    const from = int(o.value.from, 'from', 0, MAX_PRIORITIES);
    if (!from.ok) return from;
    const count = int(o.value.count, 'count', 0, MAX_FILES_PAGE);
    return count.ok ? ok({ id: id.value, from: from.value, count: count.value }) : count;
  },
  'torrent:recheck': (v) => {
    const o = record(v, 'torrent:recheck', ['id']);
    if (!o.ok) return o;
    const id = torrentId(o.value.id, 'id');
    return id.ok ? ok({ id: id.value }) : id;
  },
  'torrent:add-tracker': (v) => {
    const o = record(v, 'torrent:add-tracker', ['id', 'url', 'tier']);
    if (!o.ok) return o;
    const id = torrentId(o.value.id, 'id');
    if (!id.ok) return id;
    const url = trackerUrl(o.value.url, 'url');
    if (!url.ok) return url;
    if (o.value.tier === undefined) return ok({ id: id.value, url: url.value });
    const tier = int(o.value.tier, 'tier', 0, MAX_TIER);
    return tier.ok ? ok({ id: id.value, url: url.value, tier: tier.value }) : tier;
  },
  'torrent:remove-tracker': (v) => {
    const o = record(v, 'torrent:remove-tracker', ['id', 'url']);
    if (!o.ok) return o;
    const id = torrentId(o.value.id, 'id');
    if (!id.ok) return id;
    // Any saved URL can be removed (even one a torrent file carried that we could not use).
    const url = str(o.value.url, 'url', MAX_TEXT, { nonEmpty: true });
    return url.ok ? ok({ id: id.value, url: url.value }) : url;
  },
  'torrent:select': (v) => {
    const o = record(v, 'torrent:select', ['id']);
    if (!o.ok) return o;
    if (o.value.id === null) return ok({ id: null });
    const id = torrentId(o.value.id, 'id');
    return id.ok ? ok({ id: id.value }) : id;
  },
  'torrent:magnet': (v) => {
    const o = record(v, 'torrent:magnet', ['id']);
    if (!o.ok) return o;
    const id = torrentId(o.value.id, 'id');
    return id.ok ? ok({ id: id.value }) : id;
  },
  'torrent:open-folder': (v) => {
    const o = record(v, 'torrent:open-folder', ['id']);
    if (!o.ok) return o;
    const id = torrentId(o.value.id, 'id');
    return id.ok ? ok({ id: id.value }) : id;
  },
  'create:start': createRequest,
  'create:cancel': (v) => {
    const o = record(v, 'create:cancel', ['jobId']);
    if (!o.ok) return o;
    const j = jobId(o.value.jobId);
    return j.ok ? ok({ jobId: j.value }) : j;
  },
  'verify:start': verifyRequest,
  'verify:cancel': (v) => {
    const o = record(v, 'verify:cancel', ['jobId']);
    if (!o.ok) return o;
    const j = jobId(o.value.jobId);
    return j.ok ? ok({ jobId: j.value }) : j;
  },
  // null over the wire; undefined when a transport drops a null argument.
  'settings:get': (v) => (v === null || v === undefined ? ok(null) : bad('settings:get takes no argument')),
  'settings:set': validateSettingsPatch,
};

export const COMMAND_NAMES = Object.keys(validators) as CommandName[];

export function isCommandName(v: unknown): v is CommandName {
  return typeof v === 'string' && Object.hasOwn(validators, v);
}

/** A command and its validated argument, as a discriminated pair. */
export type ValidCommand = { [C in CommandName]: { command: C; arg: CommandArg<C> } }[CommandName];

export function validateCommand(command: unknown, arg: unknown): V<ValidCommand> {
  if (!isCommandName(command)) return bad(`unknown command ${typeof command === 'string' ? JSON.stringify(command.slice(0, 64)) : typeof command}`);
  return validateNamed(command, arg);
}

function validateNamed<C extends CommandName>(command: C, arg: unknown): V<ValidCommand> {
  const validator: (arg: unknown) => V<CommandArg<C>> = validators[command];
  const r = validator(arg);
  if (!r.ok) return r;
  // The mapped union cannot be narrowed from a generic C; the pair is consistent by construction.
  return ok({ command, arg: r.value } as ValidCommand);
}
