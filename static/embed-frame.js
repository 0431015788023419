// The iframe embed tells the page that frames it how tall it is, so that page can fit the frame
// (the embed snippet listens, checking that the message comes from this service's origin). Only
// a number is sent, so any parent may hear it.
(function () {
  if (window.parent === window) return;
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: 'assent:height', height: height }, '*');
  }
  if (window.ResizeObserver) new ResizeObserver(report).observe(document.documentElement);
  window.addEventListener('load', report);
  report();
})();
