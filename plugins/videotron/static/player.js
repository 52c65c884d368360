/* The videotron player: plays a screen's playlist full screen in a loop.
 *
 * - polls playlist.json with If-None-Match (304 when nothing changed) and keeps the last copy in
 *   localStorage, so a restart without network still knows what to play;
 * - keeps every video in the Cache API (served by the service worker, player-sw.js), and while
 *   the network is down plays only what is cached;
 * - follows each entry's window and dayparts with the server's clock, in the screen's time zone;
 * - an urgent entry that appears interrupts the video playing and goes first;
 * - sends a heartbeat, and one proof-of-play report per showing, queued in localStorage while
 *   offline and sent when the hub answers again;
 * - stops for good when the hub says the screen's link is revoked (410) or unknown (404).
 * State for people and tests is mirrored on <body data-…>.
 */
(function () {
  'use strict';

  var MEDIA_CACHE = 'videotron-media-v1';
  var SHELL_CACHE = 'videotron-shell-v1';
  var VERSION = 'player-1';
  var MAX_QUEUE = 5000;
  var body = document.body;
  var video = document.getElementById('screen');
  var cfg = {
    playlist: body.dataset.playlistUrl,
    heartbeat: body.dataset.heartbeatUrl,
    plays: body.dataset.playsUrl,
    sw: body.dataset.swUrl,
    scope: body.dataset.swScope,
    key: 'videotron:' + body.dataset.screen + ':'
  };
  var state = {
    doc: null, etag: null, offset: 0, online: true, stopped: false,
    current: null, index: -1, startedAt: null, lastError: null,
    cached: {}, queue: [], sending: false, plays: 0, timers: []
  };

  // --- small helpers ------------------------------------------------------------------------------
  function load(name, fallback) {
    try { var raw = localStorage.getItem(cfg.key + name); return raw ? JSON.parse(raw) : fallback; }
    catch (e) { return fallback; }
  }
  function save(name, value) {
    try { localStorage.setItem(cfg.key + name, JSON.stringify(value)); }
    catch (e) { note('storage: ' + e.message); }
  }
  function note(message) { state.lastError = String(message).slice(0, 500); body.dataset.lastError = state.lastError; }
  function serverNow() { return Date.now() + state.offset; }
  function absolute(url) { return new URL(url, location.href).href; }
  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  function later(fn, seconds) { state.timers.push(setTimeout(fn, seconds * 1000)); }
  function setting(name, fallback) {  // false and 0 are values too (player_muted: false)
    var value = state.doc && state.doc.settings ? state.doc.settings[name] : undefined;
    return value === undefined || value === null ? fallback : value;
  }
  function setOnline(value) { state.online = value; body.dataset.online = String(value); }

  // --- schedule -----------------------------------------------------------------------------------
  function minutesIn(zone, ms) {
    var h = 0, m = 0;
    new Intl.DateTimeFormat('en-GB', {timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23'})
      .formatToParts(new Date(ms)).forEach(function (p) {
        if (p.type === 'hour') { h = Number(p.value); }
        if (p.type === 'minute') { m = Number(p.value); }
      });
    return h * 60 + m;
  }
  function toMinutes(text) { var a = text.split(':'); return Number(a[0]) * 60 + Number(a[1]); }
  function inDayparts(entry, ms, zone) {
    if (!entry.dayparts || !entry.dayparts.length) { return true; }
    var t = minutesIn(zone, ms);
    return entry.dayparts.some(function (d) {
      var s = toMinutes(d.start), e = toMinutes(d.end);
      return s < e ? (t >= s && t < e) : (t >= s || t < e);
    });
  }
  function playable() {
    if (!state.doc) { return []; }
    var t = serverNow(), zone = state.doc.screen.timezone;
    return state.doc.entries.filter(function (e) {
      if (!(Date.parse(e.starts_at) <= t && t < Date.parse(e.ends_at) && inDayparts(e, t, zone))) { return false; }
      return state.online || state.cached[absolute(e.url)];
    });
  }

  // --- playback -----------------------------------------------------------------------------------
  function finish(completed) {
    if (!state.current) { return; }
    var ended = new Date(serverNow());
    state.queue.push({
      id: uuid(), entry_id: state.current.id, started_at: state.startedAt.toISOString(),
      ended_at: ended.toISOString(), duration: Math.max(0, (ended - state.startedAt) / 1000), completed: completed
    });
    if (state.queue.length > MAX_QUEUE) { state.queue.splice(0, state.queue.length - MAX_QUEUE); }
    save('queue', state.queue);
    state.plays += 1;
    body.dataset.plays = String(state.plays);
    body.dataset.queued = String(state.queue.length);
    state.current = null;
    sendPlays();
  }

  function start(entry, index) {
    state.current = entry;
    state.index = index;
    state.startedAt = new Date(serverNow());
    body.dataset.playing = String(entry.id);
    document.getElementById('idle').hidden = true;
    video.hidden = false;
    video.muted = setting('muted', true) !== false;
    video.src = entry.url;
    var attempt = video.play();
    if (attempt && attempt.catch) {
      attempt.catch(function (err) { if (err.name !== 'AbortError') { note('play: ' + err.message); } });
    }
  }

  function idle() {
    state.current = null;
    body.dataset.playing = '';
    video.removeAttribute('src');
    video.hidden = true;
    document.getElementById('idle').hidden = false;
    later(playNext, 2);
  }

  function playNext() {
    if (state.stopped || state.current) { return; }
    var list = playable();
    if (!list.length) { idle(); return; }
    var index = state.index + 1 >= list.length ? 0 : state.index + 1;
    start(list[index], index);
  }

  video.addEventListener('ended', function () { finish(true); playNext(); });
  video.addEventListener('error', function () {
    var code = video.error ? video.error.code : '?';
    if (state.current) { note('media error ' + code + ' on entry ' + state.current.id); }
    finish(false);
    state.current = null;
    later(playNext, 1);
  });

  // --- the playlist -------------------------------------------------------------------------------
  function stop() {
    state.stopped = true;
    state.timers.forEach(clearTimeout);
    video.pause();
    video.removeAttribute('src');
    video.load();
    video.hidden = true;
    document.getElementById('stopped').hidden = false;
    body.dataset.stopped = 'true';
    ['playlist', 'queue'].forEach(function (n) { localStorage.removeItem(cfg.key + n); });
    if (window.caches) { caches.delete(MEDIA_CACHE); }
  }

  function cacheMedia() {
    if (!window.caches || !state.doc) { return Promise.resolve(); }
    var wanted = state.doc.entries.map(function (e) { return absolute(e.url); });
    return caches.open(MEDIA_CACHE).then(function (cache) {
      var chain = cache.keys().then(function (keys) {
        keys.forEach(function (req) { if (wanted.indexOf(req.url) < 0) { cache.delete(req); delete state.cached[req.url]; } });
      });
      wanted.forEach(function (url) {
        chain = chain.then(function () {
          return cache.match(url).then(function (hit) { return hit || cache.add(url); })
            .then(function () { state.cached[url] = true; })
            .catch(function (err) { note('cache ' + url.split('/').pop() + ': ' + err.message); });
        });
      });
      return chain.then(function () { body.dataset.cached = String(Object.keys(state.cached).length); });
    });
  }

  function adopt(doc) {
    var before = playable().map(function (e) { return e.id; });
    state.doc = doc;
    state.etag = doc.version;
    save('playlist', doc);
    var now = playable();
    var urgent = now.filter(function (e) { return e.urgent && before.indexOf(e.id) < 0; });
    var gone = state.current && !now.some(function (e) { return e.id === state.current.id; });
    if (urgent.length && !(state.current && state.current.urgent)) {
      finish(false);  // an urgent (serta-merta) item interrupts the loop
      video.pause();
      start(urgent[0], now.indexOf(urgent[0]));
    } else if (gone) {
      finish(false);  // taken off (unpublished) while playing: stop it now
      video.pause();
      state.index -= 1;
      playNext();
    } else if (!state.current) {
      playNext();
    }
    cacheMedia();
  }

  function poll() {
    if (state.stopped) { return; }
    var headers = {'Accept': 'application/json'};
    if (state.etag) { headers['If-None-Match'] = '"' + state.etag + '"'; }
    fetch(cfg.playlist, {headers: headers, cache: 'no-store', credentials: 'omit'}).then(function (response) {
      if (response.status === 410 || response.status === 404) { stop(); return; }
      setOnline(true);
      body.dataset.polls = String(Number(body.dataset.polls || 0) + 1);
      if (response.status === 304) { body.dataset.notModified = String(Number(body.dataset.notModified || 0) + 1); return; }
      if (!response.ok) { note('playlist: HTTP ' + response.status); return; }
      return response.json().then(function (doc) {
        state.offset = Date.parse(doc.now) - Date.now();
        adopt(doc);
      });
    }).catch(function (err) {
      setOnline(false);
      note('playlist: ' + err.message);
    }).then(function () { if (!state.stopped) { later(poll, Math.max(1, Number(setting('poll_seconds', 15)) || 15)); } });
  }

  // --- reports ------------------------------------------------------------------------------------
  function post(url, payload) {
    return fetch(url, {
      method: 'POST', cache: 'no-store', credentials: 'omit',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},
      body: JSON.stringify(payload)
    }).then(function (response) {
      if (response.status === 410 || response.status === 404) { stop(); throw new Error('stopped'); }
      if (!response.ok) { throw new Error('HTTP ' + response.status); }
      setOnline(true);
      return response.json();
    });
  }

  function sendPlays() {
    if (state.sending || state.stopped || !state.queue.length) { return; }
    state.sending = true;
    var batch = state.queue.slice(0, 200);
    post(cfg.plays, {plays: batch}).then(function (answer) {
      var done = {};
      answer.accepted.forEach(function (id) { done[id] = true; });
      answer.rejected.forEach(function (r) { done[r.id] = true; });
      state.queue = state.queue.filter(function (p) { return !done[p.id]; });
      save('queue', state.queue);
      body.dataset.queued = String(state.queue.length);
      body.dataset.sent = String(Number(body.dataset.sent || 0) + answer.accepted.length);
      state.sending = false;
      if (state.queue.length) { sendPlays(); }
    }).catch(function (err) {
      state.sending = false;
      if (err.message !== 'stopped') { setOnline(false); }
    });
  }

  function heartbeat() {
    if (state.stopped) { return; }
    post(cfg.heartbeat, {
      now_playing: state.current ? state.current.id : null,
      error: state.lastError,
      version: VERSION,
      cached: Object.keys(state.cached).length,
      queued_plays: state.queue.length,
      cache_supported: Boolean(window.caches && navigator.serviceWorker)
    }).then(function (answer) {
      if (answer && answer.now) { state.offset = Date.parse(answer.now) - Date.now(); }
      state.lastError = null;
      body.dataset.heartbeats = String(Number(body.dataset.heartbeats || 0) + 1);
      sendPlays();
    }).catch(function (err) {
      if (err.message !== 'stopped') { setOnline(false); }
    }).then(function () { if (!state.stopped) { later(heartbeat, Math.max(1, Number(setting('heartbeat_seconds', 30)) || 30)); } });
  }

  // --- start --------------------------------------------------------------------------------------
  function registerWorker() {
    if (!('serviceWorker' in navigator)) { body.dataset.sw = 'unsupported'; return Promise.resolve(); }
    return navigator.serviceWorker.register(cfg.sw, {scope: cfg.scope}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      // the page and its files, so a restart without network still opens the player
      var files = [location.href].concat(Array.prototype.map.call(
        document.querySelectorAll('script[src], link[rel=stylesheet]'), function (el) { return el.src || el.href; }));
      caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(files); })
        .catch(function (err) { note('shell cache: ' + err.message); });
      body.dataset.sw = navigator.serviceWorker.controller ? 'controlled' : 'ready';
      navigator.serviceWorker.addEventListener('controllerchange', function () { body.dataset.sw = 'controlled'; });
    }).catch(function (err) { body.dataset.sw = 'failed'; note('service worker: ' + err.message); });
  }

  function knownCache() {
    if (!window.caches) { return Promise.resolve(); }
    return caches.open(MEDIA_CACHE).then(function (cache) { return cache.keys(); }).then(function (keys) {
      keys.forEach(function (req) { state.cached[req.url] = true; });
      body.dataset.cached = String(keys.length);
    }).catch(function () {});
  }

  state.queue = load('queue', []);
  state.doc = load('playlist', null);
  if (state.doc) { state.etag = state.doc.version; }
  body.dataset.queued = String(state.queue.length);
  registerWorker();
  knownCache().then(function () {
    poll();
    heartbeat();
    if (state.doc && !state.current) { playNext(); }
  });
})();
