#!/usr/bin/python3
# A small python3-libtorrent driver for Tessera's interop tests and benchmarks.
# Every setting goes to the lt.session constructor (REFERENCE-PEERS.md): DHT, LSD, UPnP, NAT-PMP
# and uTP off, plaintext, loopback only. Prints one JSON object per line on stdout:
#   {"event": "listening", "port": N}
#   {"event": "status", "progress": f, "peers": n, "down": bytes/s, "up": bytes/s, "seeding": bool}
#   {"event": "done", "seconds": wall seconds from first peer to complete, "user": s, "sys": s}
#   {"event": "error", "message": "..."}
# Modes: seed (data present, seed_mode skips the check), leech (exit when complete unless --stay).
# Stops on stdin EOF or after --timeout seconds, so a test that dies never leaves it running.
import argparse, json, os, resource, sys, threading, time
import libtorrent as lt


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["seed", "leech"])
    ap.add_argument("--torrent", required=True)
    ap.add_argument("--save", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--connect", action="append", default=[], help="host:port to dial")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--stay", action="store_true", help="leech: keep seeding after completion")
    ap.add_argument("--check", action="store_true", help="seed: hash the data instead of seed_mode")
    ap.add_argument("--interval", type=float, default=0.2)
    ap.add_argument("--verbose", action="store_true", help="also report peer alerts (disconnect reasons)")
    ap.add_argument("--enc", choices=["plaintext", "forced", "enabled"], default="plaintext",
                    help="MSE: plaintext only (default), forced RC4 both ways, or enabled (either)")
    ap.add_argument("--host", default="127.0.0.1", help="listen address (::1 for IPv6 runs)")
    ap.add_argument("--utp", action="store_true", help="uTP only: TCP off both ways, uTP on both ways")
    a = ap.parse_args()

    s = lt.session({
        "listen_interfaces": ("[%s]:%d" if ":" in a.host else "%s:%d") % (a.host, a.port),
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "allow_multiple_connections_per_ip": True,
        "enable_incoming_utp": a.utp, "enable_outgoing_utp": a.utp,
        "enable_incoming_tcp": not a.utp, "enable_outgoing_tcp": not a.utp,
        # enc_policy: 0 forced, 1 enabled, 2 disabled; allowed_enc_level: 1 plaintext, 2 rc4, 3 both.
        "out_enc_policy": {"plaintext": 2, "forced": 0, "enabled": 1}[a.enc],
        "in_enc_policy": {"plaintext": 2, "forced": 0, "enabled": 1}[a.enc],
        "allowed_enc_level": {"plaintext": 3, "forced": 2, "enabled": 3}[a.enc],
        "prefer_rc4": a.enc == "forced",
        "max_retry_port_bind": 0, "listen_system_port_fallback": False,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.status_notification
                      | (lt.alert.category_t.all_categories if "--verbose" in sys.argv else 0),
        # Loopback benchmarks: let libtorrent use its fast defaults but never throttle.
        "upload_rate_limit": 0, "download_rate_limit": 0,
    })
    deadline = time.time() + a.timeout
    while s.listen_port() == 0 and time.time() < deadline:
        time.sleep(0.02)

    p = lt.add_torrent_params()
    p.ti = lt.torrent_info(a.torrent)
    p.save_path = a.save
    if a.mode == "seed" and not a.check:
        p.flags |= lt.torrent_flags.seed_mode
    # Not auto-managed: start now, so a peer dialling us right after "listening" is not refused.
    p.flags &= ~lt.torrent_flags.auto_managed
    p.flags &= ~lt.torrent_flags.paused
    h = s.add_torrent(p)
    while time.time() < deadline:
        st = h.status()
        if not (st.flags & lt.torrent_flags.paused) and st.state in (lt.torrent_status.seeding, lt.torrent_status.downloading, lt.torrent_status.finished):
            break
        time.sleep(0.02)
    out({"event": "listening", "port": s.listen_port()})
    for c in a.connect:
        host, port = c.rsplit(":", 1)
        h.connect_peer((host, int(port)))

    stop = threading.Event()

    def watch_stdin():
        try:
            while sys.stdin.read(4096):
                pass
        except Exception:
            pass
        stop.set()
    threading.Thread(target=watch_stdin, daemon=True).start()

    start = None
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    code = 0
    while not stop.is_set():
        if time.time() > deadline:
            out({"event": "error", "message": "timeout"})
            code = 3
            break
        st = h.status()
        for al in s.pop_alerts():
            if a.verbose or al.category() & lt.alert.category_t.error_notification:
                out({"event": "alert", "message": al.message()})
        if start is None and (st.num_peers > 0 or st.total_payload_download > 0):
            start = time.time()
        out({"event": "status", "progress": st.progress, "peers": st.num_peers,
             "down": st.download_payload_rate, "up": st.upload_payload_rate,
             "seeding": st.is_seeding, "uploaded": st.total_payload_upload,
             "downloaded": st.total_payload_download, "state": str(st.state)})
        if a.mode == "leech" and st.is_seeding and not a.stay:
            r1 = resource.getrusage(resource.RUSAGE_SELF)
            out({"event": "done", "seconds": time.time() - (start or time.time()),
                 "user": r1.ru_utime - r0.ru_utime, "sys": r1.ru_stime - r0.ru_stime})
            break
        stop.wait(a.interval)
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    out({"event": "exit", "user": r1.ru_utime - r0.ru_utime, "sys": r1.ru_stime - r0.ru_stime})
    s.pause()
    os._exit(code)


if __name__ == "__main__":
    main()
