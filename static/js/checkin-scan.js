// The door's check-in: a letter's QR code read by the phone's camera, or typed into the field by
// a handheld scanner (the code, then Enter) or by hand. Each code is sent without leaving the
// page, so the camera keeps running and the field stays focused for the next letter; each
// answer is shown on top of the list below the field, with a short sound.
//
// The camera reads QR codes with the browser's BarcodeDetector where it has one that knows QR
// codes (Chrome on Android, Safari on macOS), and elsewhere (Safari on iPhone, Firefox, in-app
// browsers) with the vendored zxing-wasm reader (static/vendor/zxing-wasm), loaded only then.
(function () {
  "use strict";

  var form = document.getElementById("scan-form");
  if (!form) { return; }
  var field = document.getElementById("id_token");
  var results = document.getElementById("scan-results");
  var button = document.getElementById("camera-button");
  var video = document.getElementById("camera");
  var note = document.getElementById("camera-note");

  var SHOWN_RESULTS = 5;        // the latest answers stay visible, newest first
  var SCAN_EVERY_MS = 250;      // how often the camera's picture is read
  var SAME_CODE_PAUSE_MS = 3000; // a letter held in front of the camera is sent once

  // ------------------------------------------------------------------ answers

  var audio = null;
  function unlockSound() {
    // Browsers let a page play sound only once a click or key has started it.
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") { audio.resume(); }
    } catch (error) { audio = null; }
  }

  function beep(ok) {
    // A rising double tone for a new check-in, one low tone for anything else.
    if (!audio) { return; }
    try {
      var tones = ok ? [880, 1320] : [220];
      tones.forEach(function (frequency, index) {
        var oscillator = audio.createOscillator();
        var gain = audio.createGain();
        var start = audio.currentTime + index * 0.12;
        oscillator.frequency.value = frequency;
        gain.gain.setValueAtTime(0.15, start);
        gain.gain.exponentialRampToValueAtTime(0.001, start + (ok ? 0.11 : 0.35));
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(start);
        oscillator.stop(start + (ok ? 0.12 : 0.36));
      });
    } catch (error) { /* no sound on this browser: the coloured answer is enough */ }
  }

  function show(level, text) {
    var alert = document.createElement("div");
    var kind = level === "error" ? "danger" : (level === "info" ? "warning" : level);
    alert.className = "alert alert-" + kind + " py-2 mb-2";
    alert.setAttribute("role", level === "success" ? "status" : "alert");
    alert.dataset.level = level;
    var time = document.createElement("span");
    time.className = "small text-body-secondary me-2";
    time.textContent = new Date().toLocaleTimeString("vi-VN", {hour: "2-digit", minute: "2-digit", second: "2-digit"});
    alert.appendChild(time);
    var message = document.createElement("span");
    message.className = "scan-message";
    message.textContent = text;
    alert.appendChild(message);
    results.insertBefore(alert, results.firstChild);
    while (results.children.length > SHOWN_RESULTS) { results.removeChild(results.lastChild); }
    // Older answers fade so that the newest one is the one the eye finds.
    Array.prototype.forEach.call(results.children, function (child, index) {
      child.classList.toggle("opacity-50", index > 0);
      child.classList.toggle("fw-semibold", index === 0);
    });
  }

  // The counts per commune and the list of names, as the server now has them.
  var refreshing = null;
  function refreshPage() {
    clearTimeout(refreshing);
    refreshing = setTimeout(function () {
      // The list of names asks again for what its search box holds (htmx, as when typing).
      var search = document.querySelector("input[name=q][hx-get]");
      if (search && window.htmx) { window.htmx.trigger(search, "search"); }
      fetch(window.location.pathname + window.location.search, {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html");
          ["attendance"].forEach(function (id) {
            var now = document.getElementById(id);
            var then = fresh.getElementById(id);
            if (now && then) { now.replaceWith(document.importNode(then, true)); }
          });
        })
        .catch(function () { /* the counts catch up on the next page load */ });
    }, 500);
  }

  // Codes are sent one after another, in the order they were read.
  var queue = Promise.resolve();
  function send(token) {
    queue = queue.then(function () {
      var data = new FormData(form);
      data.set("token", token);
      return fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: {"Accept": "application/json"},
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") !== 0) {
          throw new Error("not an answer");
        }
        return response.json();
      }).then(function (answer) {
        var checkedIn = false;
        answer.messages.forEach(function (message) {
          show(message.level, message.text);
          checkedIn = checkedIn || message.level === "success";
        });
        if (!answer.messages.length) { show("error", "Không rõ kết quả điểm danh, hãy tải lại trang."); }
        beep(checkedIn);
        if (checkedIn) { refreshPage(); }
      }).catch(function () {
        show("error", "Chưa điểm danh được: mất kết nối hoặc hết phiên đăng nhập. Hãy tải lại trang rồi quét lại.");
        beep(false);
      });
    });
    return queue;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    unlockSound();
    var token = field.value.trim();
    field.value = "";
    field.focus();
    if (!token) {
      show("error", "Chưa có mã giấy mời.");
      beep(false);
      return;
    }
    // A letter's code is plain ASCII; letters with diacritics mean a Vietnamese input method
    // (Unikey, EVKey in Telex) rewrote what the scanner typed.
    if (/[^\x20-\x7e]/.test(token)) {
      show("error", "Mã đọc được có chữ có dấu: hãy tắt bộ gõ tiếng Việt (Unikey, EVKey…) rồi quét lại.");
      beep(false);
      return;
    }
    send(token);
  });

  // ------------------------------------------------------------------ camera

  function nativeReader() {
    if (!("BarcodeDetector" in window)) { return Promise.resolve(null); }
    var supported = window.BarcodeDetector.getSupportedFormats
      ? window.BarcodeDetector.getSupportedFormats()
      : Promise.resolve(["qr_code"]);
    return supported.then(function (formats) {
      if (formats.indexOf("qr_code") < 0) { return null; }
      var detector = new window.BarcodeDetector({formats: ["qr_code"]});
      return function (source) {
        return detector.detect(source).then(function (codes) {
          return codes.map(function (code) { return code.rawValue; });
        });
      };
    }).catch(function () { return null; });
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function vendoredReader() {
    var wasm = button.dataset.decoderWasm;
    return loadScript(button.dataset.decoder).then(function () {
      // Served from the portal, not the CDN the package names by default.
      return window.ZXingWASM.prepareZXingModule({
        overrides: {locateFile: function (path, prefix) { return /\.wasm$/.test(path) ? wasm : prefix + path; }},
        fireImmediately: true,
      });
    }).then(function () {
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", {willReadFrequently: true});
      var options = {formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1};
      return function (source) {
        var scale = Math.min(1, 1280 / Math.max(source.videoWidth, source.videoHeight));
        canvas.width = Math.round(source.videoWidth * scale);
        canvas.height = Math.round(source.videoHeight * scale);
        context.drawImage(source, 0, 0, canvas.width, canvas.height);
        var picture = context.getImageData(0, 0, canvas.width, canvas.height);
        return window.ZXingWASM.readBarcodes(picture, options).then(function (codes) {
          return codes.filter(function (code) { return code.isValid; }).map(function (code) { return code.text; });
        });
      };
    });
  }

  var reader = null;
  function getReader() {
    reader = reader || nativeReader().then(function (native) { return native || vendoredReader(); });
    return reader;
  }

  var stream = null;
  var run = 0; // each start of the camera; a stopped run's reading loop ends
  var lastCode = null;
  var lastSeen = 0;

  function stopCamera() {
    run += 1;
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.srcObject = null;
    video.classList.add("d-none");
    button.textContent = "Dùng máy ảnh điện thoại";
    button.setAttribute("aria-pressed", "false");
  }

  function look(read, thisRun) {
    if (!stream || thisRun !== run) { return; }
    var reading = video.readyState >= 2 && video.videoWidth ? read(video) : Promise.resolve([]);
    reading.then(function (codes) {
      var now = Date.now();
      codes.forEach(function (code) {
        if (code === lastCode && now - lastSeen < SAME_CODE_PAUSE_MS) {
          lastSeen = now;
          return;
        }
        lastCode = code;
        lastSeen = now;
        send(code);
      });
    }).catch(function () { /* an unreadable picture: try the next one */ })
      .then(function () { setTimeout(function () { look(read, thisRun); }, SCAN_EVERY_MS); });
  }

  function cameraMessage(error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") {
      return "Trình duyệt chưa cho phép dùng máy ảnh. Hãy cho phép trong cài đặt, hoặc mở trang bằng Chrome hay Safari " +
        "(trình duyệt trong Zalo, Facebook có thể không cho dùng máy ảnh), hoặc gõ mã.";
    }
    if (name === "NotFoundError" || name === "OverconstrainedError") {
      return "Không tìm thấy máy ảnh trên thiết bị này. Hãy gõ mã hoặc dùng máy quét.";
    }
    if (name === "NotReadableError") {
      return "Máy ảnh đang được ứng dụng khác dùng. Hãy đóng ứng dụng đó rồi thử lại.";
    }
    return "Không mở được máy ảnh hoặc bộ đọc mã QR. Hãy tải lại trang, hoặc gõ mã.";
  }

  function startCamera() {
    button.disabled = true;
    var opened = navigator.mediaDevices.getUserMedia({
      audio: false,
      video: {facingMode: "environment", width: {ideal: 1280}, height: {ideal: 720}},
    });
    Promise.all([getReader(), opened]).then(function (ready) {
      stream = ready[1];
      video.srcObject = stream;
      video.classList.remove("d-none");
      button.textContent = "Tắt máy ảnh";
      button.setAttribute("aria-pressed", "true");
      return video.play().then(function () { look(ready[0], run); });
    }).catch(function (error) {
      opened.then(function (unused) { unused.getTracks().forEach(function (track) { track.stop(); }); }, function () {});
      stopCamera();
      reader = null;
      show("error", cameraMessage(error));
      beep(false);
    }).then(function () { button.disabled = false; });
  }

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    if (!window.isSecureContext) {
      note.textContent = "Máy ảnh chỉ dùng được khi trang được mở bằng https. Hãy gõ mã, dùng máy quét hoặc tìm theo tên bên dưới.";
    }
    return;
  }
  button.addEventListener("click", function () {
    unlockSound();
    if (stream) { stopCamera(); } else { startCamera(); }
  });
  // The button only where there is a camera to open (a desktop without one keeps the field).
  var listing = navigator.mediaDevices.enumerateDevices
    ? navigator.mediaDevices.enumerateDevices()
    : Promise.resolve([{kind: "videoinput"}]);
  listing.then(function (devices) {
    if (devices.some(function (device) { return device.kind === "videoinput"; })) {
      button.classList.remove("d-none");
    }
  }).catch(function () { button.classList.remove("d-none"); });
})();
