// Peer ids. Ours is Azureus style, '-TS0100-' + 12 random bytes ("TS" = Tessera, then
// major/minor/patch/tag). clientFromPeerId turns a remote id into a name for the peer list.
// The id is untrusted: only printable characters ever reach the UI.

export const CLIENT_CODE = 'TS';
export const CLIENT_VERSION = '0100';
export const PEER_ID_PREFIX = `-${CLIENT_CODE}${CLIENT_VERSION}-`;

export function generatePeerId(): Uint8Array {
  const id = new Uint8Array(20);
  id.set(new TextEncoder().encode(PEER_ID_PREFIX), 0);
  crypto.getRandomValues(id.subarray(8));
  return id;
}

/** Azureus-style two-letter codes (the table every client's peer list uses, trimmed to the living). */
const AZUREUS: Record<string, string> = {
  A2: 'aria2', AG: 'Ares', AR: 'Arctic', AT: 'Artemis', AX: 'BitPump', AZ: 'Vuze', BB: 'BitBuddy', BC: 'BitComet',
  BE: 'BitTorrent SDK', BF: 'Bitflu', BI: 'BiglyBT', BL: 'BitCometLite', BN: 'Baidu Netdisk', BR: 'BitRocket',
  BT: 'BitTorrent', BW: 'BitTorrent Web', CD: 'Enhanced CTorrent', CT: 'CTorrent', DE: 'Deluge', DP: 'Propagate Data Client',
  EB: 'EBit', ES: 'electric sheep', FC: 'FileCroc', FD: 'Free Download Manager', FT: 'FoxTorrent', FW: 'FrostWire',
  FX: 'Freebox BitTorrent', GS: 'GSTorrent', HL: 'Halite', HN: 'Hydranode', IL: 'iLivid', KG: 'KGet', KT: 'KTorrent',
  LC: 'LeechCraft', LH: 'LH-ABC', LP: 'Lphant', LT: 'libtorrent', lt: 'rTorrent', LW: 'LimeWire', MO: 'MonoTorrent',
  MP: 'MooPolice', MR: 'Miro', MT: 'MoonlightTorrent', NX: 'Net Transport', OS: 'OneSwarm', OT: 'OmegaTorrent',
  PD: 'Pando', PI: 'PicoTorrent', qB: 'qBittorrent', QD: 'QQDownload', QT: 'Qt 4 Torrent example', RT: 'Retriever',
  SB: 'Swiftbit', SD: 'Thunder', SM: 'SoMud', SP: 'BitSpirit', ST: 'SymTorrent', st: 'sharktorrent', SZ: 'Shareaza',
  TB: 'Torch', TE: 'terasaur Seed Bank', TL: 'Tribler', TN: 'TorrentDotNET', TR: 'Transmission', TS: 'Tessera',
  TT: 'TuoTu', UL: 'uLeecher!', UM: 'µTorrent Mac', UT: 'µTorrent', UW: 'µTorrent Web', VG: 'Vagaa', WD: 'WebTorrent Desktop',
  WT: 'BitLet', WW: 'WebTorrent', WY: 'FireTorrent', XF: 'Xfplay', XL: 'Xunlei', XS: 'XSwifter', XT: 'XanTorrent',
  XX: 'Xtorrent', ZT: 'ZipTorrent', '7T': 'aTorrent', BX: 'BittorrentX',
};

/** Shadow-style first letters (one letter, then base-64 version digits, padded with '-'). */
const SHADOW: Record<string, string> = {
  A: 'ABC', O: 'Osprey Permaseed', Q: 'BTQueue', R: 'Tribler', S: 'Shadow', T: 'BitTornado', U: 'UPnP NAT Bit Torrent',
};

function ascii(id: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to && i < id.length; i++) s += String.fromCharCode(id[i] ?? 0);
  return s;
}

/** Version digit: 0-9, then A-Z = 10..35 (libtorrent, Deluge and rTorrent count past 9 this way). */
function digit(c: string): number | null {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'A' && c <= 'Z') return c.charCodeAt(0) - 55;
  return null;
}

function shadowDigit(c: string): number | null {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'A' && c <= 'Z') return c.charCodeAt(0) - 55;
  if (c >= 'a' && c <= 'z') return c.charCodeAt(0) - 61;
  if (c === '.') return 62;
  return null;
}

function azureusVersion(code: string, v: string): string {
  const d = [...v].map(digit);
  const [a, b, c, e] = d;
  if (code === 'WW' || code === 'WD') {
    // WebTorrent writes two decimal digits each for major and minor.
    const major = Number(v.slice(0, 2));
    const minor = Number(v.slice(2, 4));
    return Number.isInteger(major) && Number.isInteger(minor) ? `${major}.${minor}` : '';
  }
  if (code === 'TR') {
    // Transmission before 4.0: -TR{major}{minor:2}{Z=dev|X=beta|0}-; from 4.0: major.minor.patch.
    const major = digit(v[0] ?? '');
    if (major === null) return '';
    if (major < 4) {
      const minor = v.slice(1, 3);
      if (!/^\d\d$/.test(minor)) return '';
      const tag = v[3] === 'Z' ? ' (dev)' : v[3] === 'X' ? ' (beta)' : '';
      return `${major}.${minor}${tag}`;
    }
  }
  if (a == null || b == null || c == null) return '';
  if (code === 'AZ' || code === 'BI') return e == null ? `${a}.${b}.${c}` : `${a}.${b}.${c}.${e}`;
  // Fourth character: a build number when it is a non-zero digit, a release tag when a letter.
  return e != null && e !== 0 && e < 10 ? `${a}.${b}.${c}.${e}` : `${a}.${b}.${c}`;
}

function named(name: string, version: string): string {
  return version === '' ? name : `${name} ${version}`;
}

/** Non-printable characters become '?', so the id can be shown verbatim. */
function printableId(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}

export function clientFromPeerId(id: Uint8Array): string {
  const head = ascii(id, 0, 20);

  // Azureus style: -XXVVVV-
  const az = /^-([A-Za-z0-9~]{2})([A-Za-z0-9]{4})-/.exec(head);
  if (az !== null) {
    const code = az[1] ?? '';
    const version = az[2] ?? '';
    const name = AZUREUS[code];
    if (name !== undefined) return named(name, azureusVersion(code, version));
    return `Unknown (${printableId(head.slice(0, 8))})`;
  }

  // aria2: "A2-1-36-0-" (current) and "aria2-" (old releases).
  const a2 = /^A2-(\d{1,3})-(\d{1,3})-(\d{1,3})-/.exec(head);
  if (a2 !== null) return `aria2 ${a2[1]}.${a2[2]}.${a2[3]}`;
  if (head.startsWith('aria2-')) return 'aria2';

  // Mainline: M1-2-3-- or M10-2-3-
  const mainline = /^M(\d{1,2})-(\d{1,2})-(\d{1,2})-/.exec(head);
  if (mainline !== null) return `BitTorrent ${mainline[1]}.${mainline[2]}.${mainline[3]}`;

  if (head.startsWith('TIX')) {
    const t = /^TIX(\d\d)(\d\d)/.exec(head);
    return t === null ? 'Tixati' : `Tixati ${Number(t[1])}.${t[2]}`;
  }
  if (head.startsWith('exbc') || head.startsWith('FUTB') || head.startsWith('xUTB')) {
    // Old BitComet: two binary version bytes after the prefix.
    const major = id[4] ?? 0;
    const minor = id[5] ?? 0;
    return `BitComet ${major}.${String(minor).padStart(2, '0')}`;
  }

  // Shadow style: a letter, up to five version digits, '-' padding up to byte 8 (checked at byte 6..8).
  const sh = /^([A-Z])([0-9A-Za-z.]{1,5})(-+)/.exec(head.slice(0, 9));
  if (sh !== null) {
    const name = SHADOW[sh[1] ?? ''];
    if (name !== undefined && (sh[1]?.length ?? 0) + (sh[2]?.length ?? 0) + (sh[3]?.length ?? 0) >= 6) {
      const parts = [...(sh[2] ?? '')].map(shadowDigit);
      if (parts.every((p) => p !== null)) return named(name, parts.join('.'));
    }
  }

  return `Unknown (${printableId(head.slice(0, 8))})`;
}
