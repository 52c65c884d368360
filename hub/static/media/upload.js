/*
 * The hub's media uploader: resumable chunked uploads with a progress bar, and Google Drive links.
 *
 * Markup (see hub/templates/media/_uploader.html, which renders it with translated labels):
 *
 *   <div data-hub-upload data-field="asset_ids" data-kind="video" data-item-id="12"> ...
 *     <input type="file" multiple>            chosen files (or files dropped on the widget) are uploaded at once
 *     <input type="url" data-drive-url>       a Drive share link ...
 *     <button type="button" data-drive-go>    ... fetched by the server
 *     <ul data-list></ul>                     one row per file: name, <progress>, status
 *   </div>
 *
 * Each uploaded asset adds <input type="hidden" name="{data-field}" value="{asset id}"> to the widget
 * and fires a "hub-upload:done" event (detail: the asset JSON) on it; refusals fire "hub-upload:error".
 *
 * Script use: HubUpload.upload(file, {onProgress(sent, total)}) and HubUpload.importDrive(url, {...})
 * return promises of the asset JSON; they reject with an Error whose .body holds the server's refusal
 * (problem+json: code, detail; a failed Drive import: message_id / message_en). A dropped connection is retried with growing pauses: the server is asked
 * (HEAD) how much it has and the upload resumes from there.
 */
(function () {
  "use strict";

  var API = "/api/v1";
  var DEFAULT_CHUNK = 8 * 1024 * 1024;
  var FALLBACK = {
    uploading: "Mengunggah / Uploading",
    checking: "Memeriksa berkas / Checking the file",
    done: "Selesai / Done",
    retrying: "Koneksi terputus, mencoba lagi / Connection lost, retrying",
    queued: "Menunggu giliran / Queued",
    downloading: "Mengunduh dari Google Drive / Downloading from Google Drive",
    lost: "Koneksi ke server terputus. Periksa jaringan lalu coba lagi. / The connection to the server was lost. Check the network and try again."
  };

  function lang() {
    return (document.documentElement.lang || "id").slice(0, 2) === "en" ? "en" : "id";
  }

  function pick(text) {
    // "Indonesian / English" -> the half for the page's language
    if (!text || text.indexOf(" / ") < 0) return text || "";
    var parts = text.split(" / ");
    return lang() === "en" ? parts.slice(1).join(" / ") : parts[0];
  }

  function messageOf(body, status) {
    // a refusal is application/problem+json: detail is in the language the request asked for
    if (body && body.detail) return body.detail;
    if (body && (body.message_id || body.message_en)) return lang() === "en" ? body.message_en : body.message_id;
    if (body && body.message) return pick(body.message);
    return "HTTP " + status;
  }

  function UploadError(body, status) {
    var err = new Error(messageOf(body, status));
    err.body = body || {};
    err.status = status || 0;
    return err;
  }

  function csrfToken(root) {
    if (root && root.dataset && root.dataset.csrf) return root.dataset.csrf;
    var meta = document.querySelector('input[name="csrf_token"]');
    return meta ? meta.value : "";
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  /* One HTTP request with XMLHttpRequest (for upload progress). Resolves with {status, header(), json}
     for every HTTP answer; rejects only when no answer came (network error, abort). */
  function request(method, url, opts) {
    opts = opts || {};
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url, true);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("Accept-Language", lang()); // problem details in the page's language
      var headers = opts.headers || {};
      Object.keys(headers).forEach(function (k) { xhr.setRequestHeader(k, headers[k]); });
      if (opts.onProgress && xhr.upload) {
        xhr.upload.onprogress = function (e) { if (e.lengthComputable) opts.onProgress(e.loaded); };
      }
      xhr.onload = function () {
        var json = null;
        try { json = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (e) { json = null; }
        resolve({ status: xhr.status, header: function (n) { return xhr.getResponseHeader(n); }, json: json });
      };
      xhr.onerror = function () { reject(new Error("network")); };
      xhr.onabort = function () { reject(new Error("abort")); };
      xhr.send(opts.body === undefined ? null : opts.body);
    });
  }

  function jsonBody(data, token) {
    return { body: JSON.stringify(data), headers: { "Content-Type": "application/json", "X-CSRFToken": token } };
  }

  /* Upload one File through the resumable API; resolves with the asset JSON. */
  function upload(file, opts) {
    opts = opts || {};
    var token = opts.csrfToken || csrfToken(opts.root);
    var onProgress = opts.onProgress || function () {};
    var onStatus = opts.onStatus || function () {};
    var maxRetries = opts.maxRetries || 8;
    var chunk = opts.chunkBytes || DEFAULT_CHUNK;
    var url, offset = 0, failures = 0;

    function resume() {
      return request("HEAD", url).then(function (r) {
        if (r.status === 200) offset = parseInt(r.header("Upload-Offset"), 10) || 0;
        else if (r.status === 404) throw UploadError({ message: FALLBACK.lost }, 404);
      });
    }

    function retry(lastError) {
      failures += 1;
      if (failures > maxRetries) throw lastError || UploadError({ message: FALLBACK.lost }, 0);
      onStatus("retrying");
      return sleep(Math.min(30000, 500 * Math.pow(2, failures))).then(resume).catch(function (err) {
        if (err && err.status === 404) throw err;
        return retry(lastError);
      }).then(next);
    }

    function next() {
      if (offset >= file.size && file.size > 0) return Promise.reject(UploadError({ message: FALLBACK.lost }, 0));
      var end = Math.min(offset + chunk, file.size);
      var start = offset;
      onStatus(end === file.size ? "checking-soon" : "uploading");
      return request("PATCH", url, {
        body: file.slice(start, end),
        headers: { "Upload-Offset": String(start), "Content-Type": "application/offset+octet-stream", "X-CSRFToken": token },
        onProgress: function (loaded) {
          onProgress(Math.min(start + loaded, file.size), file.size);
          if (start + loaded >= file.size) onStatus("checking");
        }
      }).then(function (r) {
        if (r.status === 204) {
          offset = parseInt(r.header("Upload-Offset"), 10);
          failures = 0;
          onProgress(offset, file.size);
          return next();
        }
        if (r.status === 200 || r.status === 201) {
          onProgress(file.size, file.size);
          return r.json;
        }
        if (r.status === 409 && r.json && typeof r.json.offset === "number") {
          offset = r.json.offset;
          return next();
        }
        if (r.status >= 500 || r.status === 409 || r.status === 0) return retry(UploadError(r.json, r.status));
        throw UploadError(r.json, r.status);
      }, function () {
        return retry(null);
      });
    }

    onStatus("uploading");
    return request("POST", API + "/uploads", jsonBody({ name: file.name, size: file.size }, token)).then(function (r) {
      if (r.status !== 201) throw UploadError(r.json, r.status);
      url = r.json.url;
      if (!opts.chunkBytes && r.json.chunk_bytes) chunk = r.json.chunk_bytes;
      return next();
    });
  }

  /* Ask the server to fetch a Google Drive share link; resolves with the asset JSON when stored. */
  function importDrive(link, opts) {
    opts = opts || {};
    var token = opts.csrfToken || csrfToken(opts.root);
    var onProgress = opts.onProgress || function () {};
    var onStatus = opts.onStatus || function () {};
    var payload = { url: link, kind: opts.kind || "video" };
    if (opts.itemId) payload.item_id = parseInt(opts.itemId, 10);
    if (opts.role) payload.role = opts.role;
    return request("POST", API + "/media/drive", jsonBody(payload, token)).then(function (r) {
      if (r.status !== 202) throw UploadError(r.json, r.status);
      var statusUrl = r.json.status_url;
      var misses = 0, maxMisses = opts.maxRetries || 20;
      // the download goes on on the server: a lost status answer (network, 5xx) is asked again
      function again(lastError) {
        misses += 1;
        if (misses > maxMisses) throw lastError || UploadError({ message: FALLBACK.lost }, 0);
        onStatus("retrying");
        return poll(Math.min(30000, (opts.pollMs || 1000) * Math.pow(2, misses)));
      }
      function poll(wait) {
        return sleep(wait === undefined ? opts.pollMs || 1000 : wait).then(function () {
          return request("GET", statusUrl);
        }).then(function (s) {
          if (s.status >= 500) return again(UploadError(s.json, s.status));
          if (s.status !== 200) throw UploadError(s.json, s.status);
          misses = 0;
          var st = s.json;
          onStatus(st.status);
          if (st.total) onProgress(st.received || 0, st.total);
          if (st.status === "done") return st.asset;
          if (st.status === "failed") throw UploadError(st, 422);
          return poll();
        }, function () { return again(null); });
      }
      onStatus("queued");
      return poll();
    });
  }

  /* --- the widget ------------------------------------------------------------------------------ */

  function text(root, key) {
    var attr = "t" + key.charAt(0).toUpperCase() + key.slice(1);
    return (root.dataset && root.dataset[attr]) || pick(FALLBACK[key] || key);
  }

  function row(root, name) {
    var list = root.querySelector("[data-list]") || root;
    var li = document.createElement("li");
    li.className = "hub-upload-row";
    var label = document.createElement("span");
    label.className = "hub-upload-name";
    label.textContent = name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    var status = document.createElement("span");
    status.className = "hub-upload-status";
    status.setAttribute("role", "status");
    li.appendChild(label);
    li.appendChild(bar);
    li.appendChild(status);
    list.appendChild(li);
    return {
      li: li,
      progress: function (sent, total) { bar.value = total ? Math.floor((sent / total) * 100) : 0; },
      status: function (key) {
        if (key === "checking-soon") return;
        status.textContent = text(root, key);
      },
      done: function (asset) {
        bar.value = 100;
        li.classList.add("hub-upload-done");
        status.textContent = asset.duplicate ? (lang() === "en" ? asset.message_en : asset.message_id) : text(root, "done");
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = root.dataset.field || "asset_ids";
        hidden.value = String(asset.id);
        root.appendChild(hidden);
        li.dataset.assetId = String(asset.id);
        root.dispatchEvent(new CustomEvent("hub-upload:done", { detail: asset, bubbles: true }));
      },
      fail: function (err) {
        li.classList.add("hub-upload-failed");
        bar.removeAttribute("value");
        bar.hidden = true;
        status.textContent = err.message;
        root.dispatchEvent(new CustomEvent("hub-upload:error", { detail: err.body || {}, bubbles: true }));
      }
    };
  }

  function attach(root) {
    if (root.dataset.hubUploadReady) return;
    root.dataset.hubUploadReady = "1";
    function start(files) {
      var chunk = root.dataset.chunkBytes ? parseInt(root.dataset.chunkBytes, 10) : undefined;
      Array.prototype.forEach.call(files, function (file) {
        var r = row(root, file.name);
        upload(file, { root: root, chunkBytes: chunk, onProgress: r.progress, onStatus: r.status }).then(r.done, r.fail);
      });
    }
    var input = root.querySelector('input[type="file"]');
    if (input) {
      input.addEventListener("change", function () {
        start(input.files);
        input.value = "";
      });
    }
    // drag and drop: files dropped anywhere on the widget are uploaded like chosen ones
    function hasFiles(event) {
      var types = event.dataTransfer ? event.dataTransfer.types : null;
      return !!types && Array.prototype.indexOf.call(types, "Files") >= 0;
    }
    ["dragenter", "dragover"].forEach(function (name) {
      root.addEventListener(name, function (event) {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        root.classList.add("hub-drop-active");
      });
    });
    root.addEventListener("dragleave", function (event) {
      if (!root.contains(event.relatedTarget)) root.classList.remove("hub-drop-active");
    });
    root.addEventListener("drop", function (event) {
      root.classList.remove("hub-drop-active");
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      event.preventDefault();
      start(event.dataTransfer.files);
    });
    var go = root.querySelector("[data-drive-go]");
    var field = root.querySelector("[data-drive-url]");
    if (go && field) {
      // inside a bigger form (the item form), Enter in the link field fetches it instead of submitting
      field.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          go.click();
        }
      });
      go.addEventListener("click", function () {
        var link = field.value.trim();
        if (!link) return;
        var r = row(root, link);
        importDrive(link, {
          root: root, kind: root.dataset.kind, itemId: root.dataset.itemId, role: root.dataset.role,
          onProgress: r.progress, onStatus: r.status
        }).then(r.done, r.fail);
        field.value = "";
      });
    }
  }

  function attachAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-hub-upload]"), attach);
  }

  window.HubUpload = { upload: upload, importDrive: importDrive, attach: attach };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", attachAll);
  else attachAll();
})();
