// Operator page of the interop hub (served by the bridge at /operator). Plain browser JavaScript, no framework and
// no external fetch: it reads the bridge's APIs and the hub's public GET APIs through the bridge
// (/operator/api/hub/*). The admin token lives only in this tab's memory. Money is handled as BigInt.
'use strict';

(function () {
  const state = { token: '', openMessage: null, openEpoch: null, timer: null, lastList: null };
  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- helpers
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  function svg(tag, attrs, ...children) {
    const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    for (const c of children.flat())
      if (c !== undefined && c !== null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  }
  function replace(target, ...nodes) {
    const el = typeof target === 'string' ? $(target) : target;
    el.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined));
  }
  function short(hex, keep = 6) {
    if (!hex) return '-';
    return hex.length > 2 + keep * 2 + 3 ? hex.slice(0, 2 + keep) + '...' + hex.slice(-keep) : hex;
  }
  function group(v) {
    const s = String(v);
    const neg = s.startsWith('-');
    const d = neg ? s.slice(1) : s;
    return (neg ? '-' : '') + d.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }
  function pct(part, total) {
    const p = BigInt(part),
      t = BigInt(total);
    if (t === 0n) return '-';
    const b = (p * 10000n) / t;
    return (b / 100n).toString() + '.' + (b % 100n).toString().padStart(2, '0') + '%';
  }
  function ago(iso) {
    if (!iso) return '-';
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 120) return s + ' s ago';
    if (s < 7200) return Math.round(s / 60) + ' min ago';
    return Math.round(s / 3600) + ' h ago';
  }
  function badge(status) {
    return h('span', { class: 'badge ' + status, 'data-status': status }, status);
  }
  function table(headers, rows) {
    return h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((x) => h('th', {}, x)),
        ),
      ),
      h('tbody', {}, rows),
    );
  }
  function errorLine(e) {
    return h('p', { class: 'error' }, e && e.message ? e.message : String(e));
  }

  async function api(path, admin) {
    const headers = {};
    if (admin) {
      if (!state.token) throw new Error('enter the admin token to see this');
      headers.authorization = 'Bearer ' + state.token;
    }
    const res = await fetch(path, { headers });
    let body = null;
    try {
      body = await res.json();
    } catch (_) {
      body = null;
    }
    if (!res.ok) {
      const err = body && body.error;
      const e = new Error(err ? err.message + ' (' + err.code + ')' : path + ' answered ' + res.status);
      e.code = err ? err.code : 'HTTP_' + res.status;
      e.status = res.status;
      throw e;
    }
    return body;
  }

  // ---------------------------------------------------------------- chains
  async function loadChains() {
    try {
      const o = await api('/operator/api/overview');
      const rows = o.chains.map((c) => {
        const b = c.latestBatch;
        return h(
          'tr',
          { 'data-chain-id': c.chainId },
          h('td', {}, c.chainId),
          h('td', {}, c.name || '-'),
          h('td', {}, c.status ? badge(c.status) : h('span', { class: 'muted' }, 'not registered')),
          h('td', { class: 'num' }, c.slot === null ? '-' : c.slot),
          h(
            'td',
            { class: 'num' },
            c.headBlock === null
              ? h('span', { class: 'error', title: c.headError || '' }, 'unreachable')
              : group(c.headBlock),
          ),
          h('td', { class: 'num' }, b ? '#' + b.batchNumber : '-'),
          h('td', { class: 'num' }, b ? group(b.lastBlock) : '-'),
          h('td', { class: 'num' }, c.blocksSinceLastBatch === null ? '-' : group(c.blocksSinceLastBatch)),
          h('td', { class: 'num' }, b ? b.batchesPending : '-'),
          h('td', {}, b ? (b.epoch === null ? 'not yet' : 'epoch ' + b.epoch) : '-'),
          h('td', {}, b ? ago(b.receivedAt) : '-'),
          h('td', { class: 'mono' }, short(c.operator)),
        );
      });
      const note = !o.hubConfigured
        ? h('p', { class: 'error' }, 'the bridge has no HUB_URL: registry and batches unavailable')
        : o.hubError
          ? h('p', { class: 'error' }, 'hub: ' + o.hubError)
          : null;
      replace(
        'chains-body',
        note,
        table(
          [
            'chain',
            'name',
            'status',
            'slot',
            'head block',
            'last batch',
            'its last block',
            'blocks since',
            'pending batches',
            'in epoch',
            'received',
            'operator',
          ],
          rows,
        ),
      );
    } catch (e) {
      replace('chains-body', errorLine(e));
    }
  }

  // ---------------------------------------------------------------- epochs
  async function loadEpochs() {
    try {
      const epochs = await api('/operator/api/hub/epochs?limit=15');
      if (epochs.length === 0) {
        replace('epochs-body', h('p', { class: 'muted' }, 'no epochs yet'));
        return;
      }
      const rows = epochs.map((e) =>
        h(
          'tr',
          { class: 'clickable', 'data-epoch': e.epoch, onclick: () => openEpoch(e.epoch) },
          h('td', { class: 'num' }, e.epoch),
          h('td', {}, badge(e.status)),
          h('td', { class: 'num' }, e.updatesCount),
          h('td', { class: 'mono' }, short(e.root, 8)),
          h('td', {}, e.hasProof ? 'Groth16' : '-'),
          h('td', { class: 'num' }, e.provingMs === null ? '-' : (e.provingMs / 1000).toFixed(2) + ' s'),
          h('td', { class: 'mono' }, short(e.l1TxHash)),
          h('td', { class: 'num' }, e.l1Block === null ? '-' : e.l1Block),
          h('td', { class: 'num' }, e.gasUsed === null ? '-' : group(e.gasUsed)),
          h('td', {}, e.settledAt ? ago(e.settledAt) : '-'),
        ),
      );
      replace(
        'epochs-body',
        table(
          ['epoch', 'status', 'updates', 'shared root', 'proof', 'proving', 'L1 tx', 'L1 block', 'L1 gas', 'settled'],
          rows,
        ),
      );
    } catch (e) {
      replace('epochs-body', errorLine(e));
    }
  }

  // L1 shape id = groups * 2^16 + groupSize (SPEC "Epoch shape").
  function shapeLabel(id) {
    if (typeof id !== 'number') return '-';
    return Math.floor(id / 65536) + ' groups x ' + (id % 65536) + ' (id ' + id + ')';
  }

  async function openEpoch(epoch) {
    state.openEpoch = epoch;
    try {
      const r = await api('/operator/api/hub/roots/' + epoch);
      replace(
        'epoch-detail',
        h(
          'div',
          { class: 'detail', 'data-epoch-detail': r.epoch },
          h('strong', {}, 'epoch ' + r.epoch + ' '),
          h(
            'button',
            {
              type: 'button',
              onclick: () => {
                state.openEpoch = null;
                replace('epoch-detail');
              },
            },
            'close',
          ),
          h(
            'dl',
            {},
            h('dt', {}, 'previous root'),
            h('dd', { class: 'mono' }, r.prevRoot),
            h('dt', {}, 'shared root'),
            h('dd', { class: 'mono' }, r.root),
            h('dt', {}, 'epoch shape'),
            h('dd', {}, shapeLabel(r.shapeId)),
            h('dt', {}, 'data commitment'),
            h('dd', { class: 'mono' }, r.dataCommitment),
            h('dt', {}, 'public signals'),
            h('dd', { class: 'mono' }, (r.publicSignals || []).join(', ')),
            h('dt', {}, 'L1 transaction'),
            h('dd', { class: 'mono' }, r.l1TxHash || '-'),
            h('dt', {}, 'proof'),
            h(
              'dd',
              { class: 'mono' },
              r.proof ? 'groth16 pi_a ' + short(String(r.proof.pi_a && r.proof.pi_a[0]), 10) : '-',
            ),
          ),
          table(
            ['slot', 'chain', 'batch', 'batch root', 'chain root', 'messages', 'L2 blocks'],
            r.updates.map((u) =>
              h(
                'tr',
                {},
                h('td', {}, u.slot),
                h('td', {}, u.chainId),
                h('td', {}, u.batchNumber),
                h('td', { class: 'mono' }, short(u.batchRoot, 8)),
                h('td', { class: 'mono' }, short(u.chainRoot, 8)),
                h('td', {}, u.messageCount),
                h('td', {}, u.firstBlock + '..' + u.lastBlock),
              ),
            ),
          ),
        ),
      );
    } catch (e) {
      replace('epoch-detail', errorLine(e));
    }
  }

  // ---------------------------------------------------------------- messages
  function messageRow(m) {
    return h(
      'tr',
      { class: 'clickable', 'data-message-id': m.id, onclick: () => openMessage(m.id) },
      h('td', { class: 'mono' }, short(m.id, 8)),
      h('td', {}, badge(m.status)),
      h('td', {}, m.srcChainId + ' -> ' + m.dstChainId),
      h('td', {}, m.kind),
      h('td', { class: 'mono' }, short(m.sender)),
      h('td', { class: 'num' }, group(m.amount)),
      h('td', { class: 'num' }, group(m.fee)),
      h('td', { class: 'num' }, m.epoch === null ? '-' : m.epoch),
      h('td', {}, ago(m.createdAt)),
    );
  }

  async function openMessage(id) {
    state.openMessage = id;
    replace('message-error');
    try {
      const m = await api('/messages/' + id);
      const timeline = (m.timeline || []).map((t) =>
        h(
          'li',
          { 'data-step': t.status },
          badge(t.status),
          ' ',
          h('span', { class: 'muted' }, new Date(t.at).toLocaleString()),
          t.detail ? h('code', {}, ' ' + JSON.stringify(t.detail)) : null,
        ),
      );
      replace(
        'message-detail',
        h(
          'div',
          { class: 'detail', 'data-message-id': m.id, 'data-message-status': m.status },
          h('strong', {}, 'message '),
          h('code', {}, m.id),
          ' ',
          badge(m.status),
          ' ',
          h(
            'button',
            {
              type: 'button',
              onclick: () => {
                state.openMessage = null;
                replace('message-detail');
              },
            },
            'close',
          ),
          h(
            'dl',
            {},
            h('dt', {}, 'route'),
            h('dd', {}, m.srcChainId + ' -> ' + m.dstChainId + ' (nonce ' + m.nonce + ', ' + m.kind + ')'),
            h('dt', {}, 'sender'),
            h('dd', { class: 'mono' }, m.sender),
            h('dt', {}, 'recipient'),
            h('dd', { class: 'mono' }, m.recipient),
            h('dt', {}, 'amount'),
            h('dd', {}, group(m.amount)),
            h('dt', {}, 'fee'),
            h('dd', {}, group(m.fee) + ' wei'),
            h('dt', {}, 'batch / epoch'),
            h('dd', {}, (m.batchNumber ?? '-') + ' / ' + (m.epoch ?? '-')),
            h('dt', {}, 'source tx'),
            h('dd', { class: 'mono' }, m.srcTxHash || '-'),
            h('dt', {}, 'destination tx'),
            h('dd', { class: 'mono' }, m.dstTxHash || '-'),
            h('dt', {}, 'attempts'),
            h('dd', {}, m.attempts + (m.lastError ? ' (last error: ' + m.lastError + ')' : '')),
            h('dt', {}, 'inclusion proof'),
            h(
              'dd',
              {},
              m.inclusionProof
                ? 'epoch ' +
                    m.inclusionProof.proof.epoch +
                    ', batch ' +
                    m.inclusionProof.proof.batchNumber +
                    ', leaf ' +
                    m.inclusionProof.proof.leafIndex
                : 'not yet',
            ),
          ),
          h('div', {}, h('strong', {}, 'status timeline')),
          h('ol', { class: 'timeline' }, timeline),
        ),
      );
    } catch (e) {
      replace('message-detail');
      replace(
        'message-error',
        e.code === 'MESSAGE_NOT_FOUND' ? 'no message ' + id + ' (yet): the bridge has not seen it' : e.message,
      );
    }
  }

  async function searchMessages(ev) {
    if (ev) ev.preventDefault();
    replace('message-error');
    const id = $('search-id').value.trim();
    if (id) {
      if (!/^0x[0-9a-fA-F]{64}$/.test(id)) {
        replace('message-error', 'a message id is 0x followed by 64 hex digits');
        return;
      }
      await openMessage(id.toLowerCase());
      return;
    }
    const q = new URLSearchParams({ limit: '50' });
    const sender = $('search-sender').value.trim();
    const src = $('search-src').value.trim();
    const dst = $('search-dst').value.trim();
    const status = $('search-status').value;
    if (sender) q.set('sender', sender);
    if (src) q.set('src', src);
    if (dst) q.set('dst', dst);
    if (status) q.set('status', status);
    await loadMessages(q);
  }

  async function loadMessages(q) {
    state.lastList = q;
    try {
      const page = await api('/messages?' + q.toString());
      const rows = page.items.slice().reverse().map(messageRow);
      replace(
        'messages-body',
        rows.length === 0
          ? h('p', { class: 'muted' }, 'no messages match')
          : table(['id', 'status', 'route', 'kind', 'sender', 'amount', 'fee (wei)', 'epoch', 'created'], rows),
        page.nextCursor
          ? h('p', { class: 'muted' }, 'showing the first ' + page.items.length + '; narrow the search for more')
          : null,
      );
    } catch (e) {
      replace('messages-body', errorLine(e));
    }
  }

  // ---------------------------------------------------------------- fees
  async function allMessages(max) {
    const out = [];
    let cursor = null;
    while (out.length < max) {
      const q = new URLSearchParams({ limit: '200' });
      if (cursor) q.set('cursor', cursor);
      const page = await api('/messages?' + q.toString());
      out.push(...page.items);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return out;
  }

  const STEPS = [1e3, 5e3, 15e3, 60e3, 300e3, 900e3, 3600e3, 6 * 3600e3, 86400e3];
  function feeChart(messages) {
    if (messages.length === 0) return h('p', { class: 'muted' }, 'no fees yet');
    const times = messages.map((m) => Date.parse(m.createdAt));
    const first = Math.min(...times);
    const last = Math.max(...times);
    const step = STEPS.find((s) => (last - first) / s <= 30) || STEPS[STEPS.length - 1];
    const start = Math.floor(first / step) * step;
    const n = Math.floor((last - start) / step) + 1;
    const buckets = Array.from({ length: n }, () => ({ fee: 0n, count: 0 }));
    messages.forEach((m, i) => {
      const b = buckets[Math.floor((times[i] - start) / step)];
      b.fee += BigInt(m.fee);
      b.count += 1;
    });
    const max = buckets.reduce((a, b) => (b.fee > a ? b.fee : a), 0n) || 1n;
    const W = 860,
      H = 180,
      left = 170,
      bottom = 24,
      top = 10;
    const bw = Math.min(40, Math.max(2, Math.floor((W - left - 10) / n) - 2));
    const bars = buckets.map((b, i) => {
      const hgt = (Number((b.fee * 1000n) / max) / 1000) * (H - bottom - top);
      const x = left + i * (bw + 2);
      return svg(
        'rect',
        {
          x,
          y: H - bottom - hgt,
          width: bw,
          height: Math.max(hgt, b.count ? 1 : 0),
          fill: '#3556d8',
          'data-bucket': i,
        },
        svg(
          'title',
          {},
          new Date(start + i * step).toISOString() + ': ' + group(b.fee) + ' wei in ' + b.count + ' message(s)',
        ),
      );
    });
    const total = buckets.reduce((a, b) => a + b.fee, 0n);
    const label = (ms) => new Date(ms).toISOString().slice(11, 19);
    return h(
      'div',
      {},
      h(
        'div',
        {},
        h('strong', {}, 'Fees charged over time'),
        h(
          'span',
          { class: 'muted' },
          ' (' + group(total) + ' wei in ' + messages.length + ' message(s); one bar per ' + step / 1000 + ' s, UTC)',
        ),
      ),
      svg(
        'svg',
        {
          width: W,
          height: H,
          viewBox: '0 0 ' + W + ' ' + H,
          role: 'img',
          id: 'fee-chart-svg',
          'aria-label': 'fees over time',
        },
        svg('line', { x1: left, y1: H - bottom, x2: W - 5, y2: H - bottom, stroke: '#bbb' }),
        svg('line', { x1: left, y1: top, x2: left, y2: H - bottom, stroke: '#bbb' }),
        svg('text', { x: left - 6, y: top + 10, 'text-anchor': 'end' }, group(max) + ' wei'),
        svg('text', { x: left - 6, y: H - bottom, 'text-anchor': 'end' }, '0 wei'),
        svg('text', { x: left, y: H - 6 }, label(start)),
        svg('text', { x: W - 5, y: H - 6, 'text-anchor': 'end' }, label(start + n * step)),
        bars,
      ),
    );
  }

  function splitView(summary) {
    if (summary.currencies.length === 0) return h('p', { class: 'muted' }, 'no fees booked yet');
    return summary.currencies.map((c) => {
      const net = BigInt(c.net);
      const parts = [
        ['burn', c.burn, '#c62828'],
        ['staking rewards', c.staking, '#3556d8'],
        ['treasury', c.treasury, '#1a7f37'],
      ];
      let x = 0;
      const W = 600;
      const rects = parts.map(([name, v, color]) => {
        const w = net === 0n ? 0 : (Number((BigInt(v) * 10000n) / net) / 10000) * W;
        const r = svg(
          'rect',
          { x, y: 0, width: w, height: 22, fill: color },
          svg('title', {}, name + ': ' + group(v) + ' wei'),
        );
        x += w;
        return r;
      });
      return h(
        'div',
        { class: 'detail', 'data-currency': c.currency },
        h('strong', {}, 'Revenue split, currency ' + c.currency),
        table(
          ['item', 'wei', 'share of net'],
          [
            ['fees charged', c.feesCharged, ''],
            ['fees not yet earned', c.feesUnearned, ''],
            ['relayer gas spent', c.gasSpent, ''],
            ['relayer gas recovered', c.gasRecovered, ''],
            ['net revenue', c.net, net === 0n ? '-' : '100.00%'],
            ['burn', c.burn, pct(c.burn, c.net)],
            ['staking rewards', c.staking, pct(c.staking, c.net)],
            ['treasury', c.treasury, pct(c.treasury, c.net)],
          ].map(([a, b, p]) =>
            h(
              'tr',
              { 'data-item': a },
              h('td', {}, a),
              h('td', { class: 'num' }, group(b)),
              h('td', { class: 'num' }, p),
            ),
          ),
        ),
        svg('svg', { width: W, height: 22, viewBox: '0 0 ' + W + ' 22', id: 'split-' + c.currency }, rects),
        h(
          'div',
          { class: 'legend' },
          parts.map(([name, , color]) => h('span', {}, h('i', { style: 'background:' + color }), name)),
        ),
      );
    });
  }

  async function loadFees() {
    try {
      replace('fee-chart', feeChart(await allMessages(2000)));
    } catch (e) {
      replace('fee-chart', errorLine(e));
    }
    try {
      const policies = await api('/fee-policies');
      const list = Array.isArray(policies) ? policies : policies.items || [];
      replace(
        'fee-policies',
        h('strong', {}, 'Fee policies'),
        list.length === 0
          ? h('p', { class: 'muted' }, 'default split (DEFAULT_SPLIT_BPS)')
          : table(
              ['version', 'burn', 'staking', 'treasury', 'active from', 'description'],
              list.map((p) =>
                h(
                  'tr',
                  {},
                  h('td', {}, p.version ?? p.id ?? '-'),
                  h('td', {}, p.burnBps / 100 + '%'),
                  h('td', {}, p.stakingBps / 100 + '%'),
                  h('td', {}, p.treasuryBps / 100 + '%'),
                  h('td', {}, p.activeFrom || '-'),
                  h('td', {}, p.description || ''),
                ),
              ),
            ),
      );
    } catch (e) {
      replace('fee-policies', errorLine(e));
    }
    if (!state.token) {
      replace(
        'fee-split',
        h(
          'p',
          { class: 'muted' },
          'Enter the admin token above to see the ledger summary and the burn / staking / treasury split.',
        ),
      );
      return;
    }
    try {
      replace('fee-split', splitView(await api('/accounting/summary', true)));
    } catch (e) {
      replace('fee-split', errorLine(e));
    }
  }

  async function loadReconcile() {
    if (!state.token) {
      replace(
        'reconcile-body',
        h('p', { class: 'muted' }, 'Enter the admin token above to reconcile the ledger against the chains.'),
      );
      return;
    }
    try {
      const r = await api('/accounting/reconcile', true);
      replace(
        'reconcile-body',
        h(
          'p',
          { 'data-reconcile': r.ok ? 'ok' : 'mismatch' },
          badge(r.ok ? 'ok' : 'bad'),
          ' ',
          r.ok ? 'ledger and chains agree' : r.mismatches.length + ' mismatch(es)',
          h('span', { class: 'muted' }, ' (checked ' + new Date(r.checkedAt).toLocaleTimeString() + ')'),
        ),
        r.mismatches.map((m) => h('p', { class: 'error' }, m.kind + ' ' + m.subject + ': ' + m.message)),
        h('strong', {}, 'Fees per chain'),
        table(
          ['chain', 'booked', 'not yet booked', 'collected on chain', 'difference', ''],
          r.fees.map((f) =>
            h(
              'tr',
              {},
              h('td', {}, f.chainId),
              h('td', { class: 'num' }, group(f.ledgerFeesBooked)),
              h('td', { class: 'num' }, group(f.feesNotYetBooked)),
              h('td', { class: 'num' }, group(f.feesCollectedOnChain)),
              h('td', { class: 'num' }, group(f.difference)),
              h('td', {}, badge(f.ok ? 'ok' : 'bad')),
            ),
          ),
        ),
        h('strong', {}, 'Token supply per asset'),
        r.supply.length === 0
          ? h('p', { class: 'muted' }, 'no token bridged yet')
          : table(
              ['asset', 'origin', 'locked on origin', 'bridged elsewhere', 'in flight', 'difference', ''],
              r.supply.map((s) =>
                h(
                  'tr',
                  {},
                  h('td', { class: 'mono' }, short(s.assetId, 8)),
                  h('td', {}, s.originChainId),
                  h('td', { class: 'num' }, group(s.lockedOnOrigin)),
                  h('td', { class: 'num' }, group(s.bridgedTotal)),
                  h('td', { class: 'num' }, group(s.inFlight)),
                  h('td', { class: 'num' }, group(s.difference)),
                  h('td', {}, badge(s.ok ? 'ok' : 'bad')),
                ),
              ),
            ),
      );
    } catch (e) {
      replace('reconcile-body', errorLine(e));
    }
  }

  // ---------------------------------------------------------------- wiring
  async function refresh() {
    await Promise.all([
      loadChains(),
      loadEpochs(),
      loadFees(),
      loadReconcile(),
      state.openMessage ? openMessage(state.openMessage) : Promise.resolve(),
      state.lastList ? loadMessages(state.lastList) : Promise.resolve(),
    ]);
    replace('updated', 'updated ' + new Date().toLocaleTimeString());
  }

  function schedule() {
    if (state.timer) clearInterval(state.timer);
    state.timer = $('auto-refresh').checked ? setInterval(() => void refresh(), 5000) : null;
  }

  $('message-search').addEventListener('submit', (ev) => void searchMessages(ev));
  $('refresh').addEventListener('click', () => void refresh());
  $('auto-refresh').addEventListener('change', schedule);
  $('token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.token = $('admin-token').value.trim();
    void refresh();
  });
  const initial = new URLSearchParams(location.search).get('message');
  if (initial) {
    $('search-id').value = initial;
    void searchMessages();
  } else {
    void loadMessages(new URLSearchParams({ limit: '20' }));
  }
  void refresh();
  schedule();
})();
