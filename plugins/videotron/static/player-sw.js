/* Service worker of the videotron player (scope /videotron/player/).
 *
 * Videos are kept in the Cache API by the page (player.js) and served from there, with range
 * requests answered from the cached copy, so playback continues while the network is down.
 * The page itself and its script are fetched from the network first and from the cache when
 * the network fails, so a screen PC that restarts offline still plays. A revoked or unknown
 * screen (410/404) empties the caches.
 */
'use strict';

var MEDIA_CACHE = 'videotron-media-v1';
var SHELL_CACHE = 'videotron-shell-v1';

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });

// a video: /media/<asset>, or a variant of it (/media/<asset>/preview, /media/<asset>/1920x1080-60s-contain)
function isMedia(url) { return /\/videotron\/player\/[^/]+\/media\/\d+(\/[A-Za-z0-9-]+)?$/.test(url.pathname); }
function isShell(request, url) {
  return request.mode === 'navigate' || url.pathname.indexOf('/videotron/player/assets/') === 0;
}

function rangeResponse(response, header) {
  return response.blob().then(function (blob) {
    var match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
    var size = blob.size;
    var start = 0, end = size - 1;
    if (match) {
      if (match[1] === '' && match[2] !== '') { start = Math.max(0, size - Number(match[2])); }
      else {
        start = Number(match[1] || 0);
        if (match[2] !== '') { end = Math.min(size - 1, Number(match[2])); }
      }
    }
    if (!match || start >= size || start > end) {
      return new Response(null, {status: 416, headers: {'Content-Range': 'bytes */' + size}});
    }
    var part = blob.slice(start, end + 1);
    return new Response(part, {
      status: 206,
      statusText: 'Partial Content',
      headers: {
        'Content-Type': response.headers.get('Content-Type') || 'video/mp4',
        'Content-Length': String(part.size),
        'Content-Range': 'bytes ' + start + '-' + end + '/' + size,
        'Accept-Ranges': 'bytes'
      }
    });
  });
}

function fromMediaCache(request) {
  return caches.open(MEDIA_CACHE).then(function (cache) {
    return cache.match(request.url).then(function (hit) {
      if (!hit) { return fetch(request); }
      var range = request.headers.get('range');
      return range ? rangeResponse(hit, range) : hit;
    });
  });
}

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(SHELL_CACHE).then(function (cache) { cache.put(request, copy); });
    } else if (response.status === 404 || response.status === 410) {
      caches.delete(SHELL_CACHE);
      caches.delete(MEDIA_CACHE);
    }
    return response;
  }).catch(function () {
    return caches.open(SHELL_CACHE).then(function (cache) {
      return cache.match(request, {ignoreSearch: true}).then(function (hit) { return hit || Response.error(); });
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (isMedia(url)) { event.respondWith(fromMediaCache(request)); return; }
  if (isShell(request, url)) { event.respondWith(networkFirst(request)); }
});
