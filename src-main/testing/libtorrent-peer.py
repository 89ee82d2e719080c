#!/usr/bin/python3
"""A scriptable libtorrent (python3-libtorrent, Debian 12) peer for interop tests and benchmarks.

Run with Debian's /usr/bin/python3 (the pyenv shim has no libtorrent). Usage:

    libtorrent-peer.py '<json config>'

config: {"port": 0, "dht": true, "utp": false | true | "only", "pex": false, "lsd": false, "encryption": false | true | "forced" | "handshake" | "disabled",
         "dht_nodes": [["127.0.0.1", 6881]], "interface": "127.0.0.1",
         "peer_log": false (count peer messages),
         "torrents": [{"torrent": "/path/x.torrent" | "magnet": "magnet:?...", "save_path": "/dir",
                       "peers": [["127.0.0.1", 6881]], "download_limit": bytes/s, "upload_limit": bytes/s}]}

Every line on stdout is one JSON object. The first is {"event": "ready", "port": N} once listening.
Each line on stdin is one JSON command; each gets exactly one JSON reply line:
    {"cmd": "status"}                          -> {"dht_nodes": n, "torrents": [...]}
    {"cmd": "add", "torrent"|"magnet": ..., "save_path": ...} -> {"info_hash": hex}
    {"cmd": "add_dht_node", "host": h, "port": p} -> {"ok": true}
    {"cmd": "get_peers", "info_hash": hex, "timeout": s} -> {"ms": t, "peers": [[ip, port]], "messages_out": n, "timed_out": b}
        (messages_out: the get_peers queries that lookup sent)
    {"cmd": "announce", "info_hash": hex, "port": p} -> {"ok": true} (our torrent: its DHT announce now)
    {"cmd": "peer_messages"}                   -> {"in": {"HAVE_ALL": n, ...}, "out": {...}} (needs "peer_log")
    {"cmd": "quit"}                            -> {"ok": true}, then exit
encryption: false (default) dials plain and accepts both; true tries encryption when dialling;
"forced" dials and accepts only RC4-encrypted connections; "handshake" only encrypted handshakes, either
payload (libtorrent's own levels: both allowed, plaintext preferred); "disabled" only plain ones.
A status peer's "encryption" is "rc4", "handshake" (plaintext after an encrypted handshake) or "none".
Loopback DHT needs libtorrent's IP restrictions and node-id checks off and no default routers.
"""
import json
import re
import queue
import sys
import threading
import time

import libtorrent as lt

TRAVERSAL = re.compile(r'DHT (?:traversal|rpc_manager): \[(\w+)\] (.*)')
SOURCES = {1: 'tracker', 2: 'dht', 4: 'pex', 8: 'lsd', 16: 'resume', 32: 'incoming'}


def out(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def make_session(cfg):
    iface = cfg.get('interface', '127.0.0.1')
    mode = cfg.get('encryption', False)
    out_enc = {True: lt.enc_policy.enabled, False: lt.enc_policy.disabled, 'forced': lt.enc_policy.forced, 'handshake': lt.enc_policy.forced,
               'disabled': lt.enc_policy.disabled}[mode]
    in_enc = {'forced': lt.enc_policy.forced, 'handshake': lt.enc_policy.forced, 'disabled': lt.enc_policy.disabled}.get(mode, lt.enc_policy.enabled)
    settings = {
        'listen_interfaces': '%s:%d' % (iface, cfg.get('port', 0)),
        'enable_dht': bool(cfg.get('dht', True)),
        'enable_lsd': bool(cfg.get('lsd', False)),
        'enable_upnp': False,
        'enable_natpmp': False,
        # uTP: false (default: TCP only), true (both) or "only" (uTP only, TCP off both ways).
        'enable_outgoing_utp': bool(cfg.get('utp', False)),
        'enable_incoming_utp': bool(cfg.get('utp', False)),
        'enable_outgoing_tcp': cfg.get('utp', False) != 'only',
        'enable_incoming_tcp': cfg.get('utp', False) != 'only',
        'allow_multiple_connections_per_ip': True,
        'out_enc_policy': out_enc,
        'in_enc_policy': in_enc,
        'allowed_enc_level': lt.enc_level.rc4 if mode == 'forced' else lt.enc_level.both,
        'prefer_rc4': mode == 'forced',
        'dht_bootstrap_nodes': '',
        'dht_restrict_routing_ips': False,
        'dht_restrict_search_ips': False,
        'dht_enforce_node_id': False,
        'dht_prefer_verified_node_ids': False,
        'alert_queue_size': 100000,  # the DHT log is verbose; a full queue drops alerts
        'alert_mask': lt.alert_category.status | lt.alert_category.error | lt.alert_category.dht
        | lt.alert_category.dht_operation | lt.alert_category.dht_log | lt.alert_category.stats | lt.alert_category.peer,
    }
    if cfg.get('peer_log'):
        settings['alert_mask'] |= lt.alert_category.peer_log
    if 'lsd_interval' in cfg:
        settings['local_service_announce_interval'] = int(cfg['lsd_interval'])
    # No default plugins, so ut_pex is on only when asked for.
    ses = lt.session(settings, 0)
    for ext in ['ut_metadata', 'smart_ban'] + (['ut_pex'] if cfg.get('pex', False) else []):
        ses.add_extension(ext)
    return ses


def add_torrent(ses, spec):
    if 'magnet' in spec:
        atp = lt.parse_magnet_uri(spec['magnet'])
    else:
        atp = lt.add_torrent_params()
        atp.ti = lt.torrent_info(spec['torrent'])
    atp.save_path = spec['save_path']
    if spec.get('peers'):
        atp.peers = [(host, int(port)) for host, port in spec['peers']]
    if 'download_limit' in spec:
        atp.download_limit = int(spec['download_limit'])
    if 'upload_limit' in spec:
        atp.upload_limit = int(spec['upload_limit'])
    h = ses.add_torrent(atp)
    return str(h.info_hash())


def taking_peers(h):
    st = h.status()
    checking = st.state in (lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data)
    return not (st.flags & lt.torrent_flags.paused) and not checking


def torrent_status(h):
    st = h.status()
    peers = []
    try:
        for p in h.get_peer_info():
            sources = [name for bit, name in SOURCES.items() if p.source & bit]
            enc = 'rc4' if p.flags & lt.peer_info.rc4_encrypted else 'handshake' if p.flags & lt.peer_info.plaintext_encrypted else 'none'
            peers.append({'ip': p.ip[0], 'port': p.ip[1], 'sources': sources,
                          'uploaded': p.total_upload, 'downloaded': p.total_download, 'encryption': enc})
    except RuntimeError:
        pass
    return {
        'info_hash': str(st.info_hashes.v1) if hasattr(st, 'info_hashes') else str(st.info_hash),
        'progress': st.progress,
        'state': str(st.state),
        # Added torrents start paused until the session's queue resumes them (about a second):
        # connections for a paused torrent are refused.
        'paused': bool(st.flags & lt.torrent_flags.paused),
        'is_seeding': st.is_seeding,
        'has_metadata': st.has_metadata,
        'num_peers': st.num_peers,
        'total_done': st.total_done,
        'peers': peers,
    }


def stdin_reader(q):
    for line in sys.stdin:
        line = line.strip()
        if line:
            q.put(line)
    q.put(None)


class Peer:
    def __init__(self, cfg):
        self.ses = make_session(cfg)
        self.stats = {}
        self.lookup = None  # the get_peers in flight: {'info_hash', 'peers', 'started'}
        self.lookup_done = False
        self.messages = {'in': {}, 'out': {}}

    def handle(self, a):
        if isinstance(a, lt.peer_log_alert):
            # "... <== HAVE_ALL [...]" is a message received, "==> NAME" one sent. (Its session
            # counters miss some received fast-extension messages, so the log is what is counted.)
            text = a.message()
            for arrow, way in (('<== ', 'in'), ('==> ', 'out')):
                at = text.find(arrow)
                if at >= 0:
                    name = text[at + 4:].split(' ', 1)[0]
                    counts = self.messages[way]
                    if name in counts or len(counts) < 100:
                        counts[name] = counts.get(name, 0) + 1
        elif isinstance(a, lt.session_stats_alert):
            self.stats = {'dht_nodes': a.values['dht.dht_nodes'], 'messages_out': a.values['dht.dht_messages_out']}
        elif self.lookup is None:
            return
        elif isinstance(a, lt.dht_get_peers_reply_alert) and str(a.info_hash) == self.lookup['info_hash']:
            self.lookup['peers'].update((ep[0], ep[1]) for ep in a.peers())
        elif isinstance(a, lt.dht_log_alert):
            # libtorrent posts no end-of-lookup alert for get_peers; its DHT log names each
            # traversal: "[N] ADD ... invoke-count: 0 type: get_peers" as it starts, "[N] invoking
            # get_peers" per query, "[N] COMPLETED" at the end. Ours is the first to start after the call.
            m = TRAVERSAL.match(a.message())
            if not m:
                return
            tid, rest = m.group(1), m.group(2)
            if self.lookup['traversal'] is None and rest.startswith('ADD') and 'invoke-count: 0 type: get_peers' in rest:
                self.lookup['traversal'] = tid
            if tid != self.lookup['traversal']:
                return
            if rest.startswith('invoking get_peers'):
                self.lookup['queries'] += 1
            elif rest.startswith('COMPLETED'):
                self.lookup_done = True

    def pump(self, ms):
        self.ses.wait_for_alert(ms)
        for a in self.ses.pop_alerts():
            self.handle(a)

    def fresh_stats(self):
        self.stats = {}
        self.ses.post_session_stats()
        deadline = time.time() + 5
        while not self.stats and time.time() < deadline:
            self.pump(50)
        return self.stats

    def get_peers(self, info_hash, timeout):
        """One get_peers lookup: its time (to within about a millisecond), peers, and queries sent."""
        started = time.time()
        self.lookup = {'info_hash': info_hash, 'peers': set(), 'queries': 0, 'traversal': None}
        self.lookup_done = False
        self.ses.dht_get_peers(lt.sha1_hash(bytes.fromhex(info_hash)))
        while not self.lookup_done and time.time() - started < timeout:
            self.pump(1)
        ms = (time.time() - started) * 1000
        lookup, self.lookup = self.lookup, None
        return {'ms': ms, 'peers': [list(p) for p in sorted(lookup['peers'])], 'messages_out': lookup['queries'], 'timed_out': not self.lookup_done}


def main():
    cfg = json.loads(sys.argv[1])
    peer = Peer(cfg)
    ses = peer.ses
    for t in cfg.get('torrents', []):
        add_torrent(ses, t)
    deadline = time.time() + 10
    while ses.listen_port() == 0 and time.time() < deadline:
        time.sleep(0.05)
    for host, port in cfg.get('dht_nodes', []):
        ses.add_dht_node((host, int(port)))
    # Ready means taking peers: until the queue resumes a torrent (about a second) and its files
    # are checked, libtorrent hangs up on a dial, and the dialler backs off for many seconds.
    while time.time() < deadline + 10 and not all(taking_peers(h) for h in ses.get_torrents()):
        time.sleep(0.05)
    out({'event': 'ready', 'port': ses.listen_port()})

    q = queue.Queue()
    threading.Thread(target=stdin_reader, args=(q,), daemon=True).start()
    while True:
        peer.pump(0)
        try:
            line = q.get(timeout=0.05)
        except queue.Empty:
            continue
        if line is None:
            break
        cmd = json.loads(line)
        name = cmd.get('cmd')
        if name == 'status':
            nodes = peer.fresh_stats().get('dht_nodes', 0)
            out({'dht_nodes': nodes, 'torrents': [torrent_status(h) for h in ses.get_torrents()]})
        elif name == 'add':
            out({'info_hash': add_torrent(ses, cmd)})
        elif name == 'peer_messages':
            out(peer.messages)
        elif name == 'add_dht_node':
            ses.add_dht_node((cmd['host'], int(cmd['port'])))
            out({'ok': True})
        elif name == 'announce':
            h = ses.find_torrent(lt.sha1_hash(bytes.fromhex(cmd['info_hash'])))
            if h.is_valid():
                h.force_dht_announce()
            else:
                ses.dht_announce(lt.sha1_hash(bytes.fromhex(cmd['info_hash'])), int(cmd.get('port', 0)))
            out({'ok': True})
        elif name == 'get_peers':
            out(peer.get_peers(cmd['info_hash'], float(cmd.get('timeout', 10))))
        elif name == 'quit':
            out({'ok': True})
            break
        else:
            out({'error': 'unknown command %r' % name})


if __name__ == '__main__':
    main()
