// Asks this browser, once per page load, whether it plays HEVC (a phone's own picture) in an MP4;
// vig_core/ui/browser_video.py says why and what is done with the answer. Nothing is drawn.
const HEVC = 'video/mp4; codecs="hvc1.1.6.L93.B0"'; // HEVC Main, level 3.1, as Safari names it

async function playsHevc() {
  const can = document.createElement("video").canPlayType(HEVC); // "", "maybe" or "probably"
  if (!can) return false;
  if (!navigator.mediaCapabilities || !navigator.mediaCapabilities.decodingInfo) return true;
  try {
    const info = await navigator.mediaCapabilities.decodingInfo({
      type: "file",
      video: { contentType: HEVC, width: 1920, height: 1080, bitrate: 8000000, framerate: 30 },
    });
    return Boolean(info.supported);
  } catch (error) {
    return true; // canPlayType said yes; a browser that cannot answer the second question is believed
  }
}

export default function (component) {
  const { data, setStateValue } = component;
  const asked = (window.__vigPlaysHevc = window.__vigPlaysHevc || playsHevc());
  asked.then((plays) => {
    if (data.known !== plays) setStateValue("plays", plays); // only a new answer makes the page run again
  });
}
