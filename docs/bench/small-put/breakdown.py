# Section 16 of docs/benchmarks.md: parses strace -f -tt -T of the api (st-api.txt) and data
# servers (st-data-*.txt) into the steps of a small PUT.
import re, sys, glob, statistics as st
def ts(s):
    h, m, x = s.split(':'); return (int(h)*3600 + int(m)*60 + float(x)) * 1000
def lines(f):
    pend = {}
    for l in open(f):
        m = re.match(r'(\d+) (\S+) (.*)', l)
        if not m: continue
        tid, t, rest = m.group(1), ts(m.group(2)), m.group(3)
        if 'unfinished' in rest:
            pend[tid] = (t, rest); continue
        if rest.startswith('<...'):
            if tid in pend:
                t0, r0 = pend.pop(tid); rest = r0.replace('<unfinished ...>', '') + rest
                t = t0
        d = re.search(r'<([\d.]+)>\s*$', rest)
        yield tid, t, rest, float(d.group(1))*1000 if d else 0.0
# data servers: per PUT /shards request: read -> response write; fsync durations
per, ff, fd, wait = [], [], [], []
for f in glob.glob('/tmp/smallput/st-data-*.txt'):
    cur = {}
    for tid, t, r, d in lines(f):
        if 'PUT /shards/' in r and r.startswith('read('):
            cur[tid] = {'start': t, 'fs': []}
        elif tid in cur:
            c = cur[tid]
            if r.startswith('fsync('): c['fs'].append(d)
            elif (r.startswith('write') ) and 'HTTP/1.1 20' in r:
                per.append(t - c['start'])
                if len(c['fs']) >= 2: ff.append(c['fs'][0]); fd.append(c['fs'][-1])
                del cur[tid]
def q(x): 
    x = sorted(x); return "n=%d median %.1f ms, p90 %.1f" % (len(x), st.median(x), x[int(len(x)*0.9)]) if x else "none"
print("data server, request read -> 201 written:", q(per))
print("  fsync(temp file):", q(ff)); print("  fsync(directory):", q(fd))
# api: client request read -> response written; first shard sent; last answer; sqlite fsync
tot, tosend, toans, sql, after = [], [], [], [], []
cur = {}
for tid, t, r, d in lines('/tmp/smallput/st-api.txt'):
    if r.startswith('read(') and 'PUT /objects/' in r:
        cur[tid] = {'start': t, 'sent': None, 'ans': None, 'fs': 0.0}
    elif tid in cur:
        c = cur[tid]
        if r.startswith('write(') and 'PUT /shards/' in r and c['sent'] is None: c['sent'] = t
        elif r.startswith('read(') and 'HTTP/1.1 20' in r: c['ans'] = t
        elif r.startswith('fsync(') or r.startswith('fdatasync('): c['fs'] += d
        elif r.startswith('write') and 'HTTP/1.1 200' in r:
            tot.append(t - c['start'])
            if c['sent'] and c['ans']:
                tosend.append(c['sent'] - c['start']); toans.append(c['ans'] - c['sent'])
                after.append(t - c['ans'])
            sql.append(c['fs']); del cur[tid]
print("api, client PUT read -> 200 written:", q(tot))
print("  to the first shard sent (body, hash, references query):", q(tosend))
print("  first shard sent -> last data server answer:", q(toans))
print("  last answer -> 200 written (metadata add, answer):", q(after))
print("  of which SQLite fsync:", q(sql))
