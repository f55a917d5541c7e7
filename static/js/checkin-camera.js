// Read the letter's QR code with the phone's camera where the browser has BarcodeDetector;
// elsewhere the field is typed in (or filled by a handheld scanner acting as a keyboard).
(function () {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  var button = document.getElementById("camera-button");
  var video = document.getElementById("camera");
  var field = document.getElementById("id_token");
  button.classList.remove("d-none");
  button.addEventListener("click", async function () {
    var detector = new BarcodeDetector({formats: ["qr_code"]});
    var stream = await navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}});
    video.srcObject = stream;
    video.classList.remove("d-none");
    await video.play();
    async function look() {
      var codes = await detector.detect(video);
      if (codes.length) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        field.value = codes[0].rawValue;
        document.getElementById("scan-form").submit();
        return;
      }
      requestAnimationFrame(look);
    }
    look();
  });
})();
