#!/usr/bin/python3
# A python3-libtorrent seed that is found ONLY through the DHT: no tracker, no LSD/UPnP/NAT-PMP,
# loopback only, DHT bootstrapped from the given node (Tessera's) and never from the internet.
# libtorrent's DHT normally refuses several nodes on one IP and "dark" address ranges; on
# loopback every node is 127.0.0.1, so those checks are switched off.
# Prints JSON lines: {"event": "listening", "port": N}, {"event": "status", ...}; stops on stdin EOF or --timeout.
import argparse, json, os, sys, threading, time
import libtorrent as lt


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--torrent", required=True)
    ap.add_argument("--save", required=True)
    ap.add_argument("--bootstrap", required=True, help="host:port of a DHT node")
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()
    host, port = a.bootstrap.rsplit(":", 1)
    s = lt.session({
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": True, "dht_bootstrap_nodes": "%s:%s" % (host, port),
        "dht_restrict_routing_ips": False, "dht_restrict_search_ips": False,
        "dht_ignore_dark_internet": False, "dht_enforce_node_id": False, "dht_prefer_verified_node_ids": False,
        "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "allow_multiple_connections_per_ip": True,
        "enable_incoming_utp": False, "enable_outgoing_utp": False,
        "out_enc_policy": 2, "in_enc_policy": 2,
        "max_retry_port_bind": 0, "listen_system_port_fallback": False,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.dht_notification,
    })
    deadline = time.time() + a.timeout
    while s.listen_port() == 0 and time.time() < deadline:
        time.sleep(0.02)
    s.add_dht_node((host, int(port)))
    p = lt.add_torrent_params()
    p.ti = lt.torrent_info(a.torrent)
    p.save_path = a.save
    p.flags |= lt.torrent_flags.seed_mode
    p.flags &= ~lt.torrent_flags.auto_managed
    p.flags &= ~lt.torrent_flags.paused
    h = s.add_torrent(p)
    out({"event": "listening", "port": s.listen_port()})

    stop = threading.Event()

    def watch_stdin():
        try:
            while sys.stdin.read(4096):
                pass
        except Exception:
            pass
        stop.set()
    threading.Thread(target=watch_stdin, daemon=True).start()

    last_announce = 0
    while not stop.is_set() and time.time() < deadline:
        st = h.status()
        for al in s.pop_alerts():
            out({"event": "alert", "message": al.message()})
        # Re-announce every few seconds until someone connects: the first announce may come
        # before the routing table holds the bootstrap node.
        if st.num_peers == 0 and time.time() - last_announce > 3:
            h.force_dht_announce()
            last_announce = time.time()
        out({"event": "status", "peers": st.num_peers, "uploaded": st.total_payload_upload, "dht_nodes": s.status().dht_nodes})
        stop.wait(0.5)
    s.pause()
    os._exit(0)


if __name__ == "__main__":
    main()
