// The HLS preview: hls.js (served from our static files) plays the signed playlist the API hands
// out; the master playlist's audio renditions and WebVTT subtitle renditions (RFC 8216 §4.3.4.1,
// EXT-X-MEDIA) become the two menus. Browsers that play HLS themselves get the URL directly.
import { call } from "./api.js";

const box = document.querySelector("[data-player]");
const video = box.querySelector("video");
const audioMenu = box.querySelector("#audio-track");
const subtitleMenu = box.querySelector("#subtitle-track");
const status = box.querySelector("[data-player-status]");

function option(value, text, lang) {
  const item = document.createElement("option");
  item.value = String(value);
  item.textContent = text;
  if (lang) item.lang = lang;
  return item;
}

function trackName(track) {
  return track.name && track.lang && track.name !== track.lang ? `${track.name} (${track.lang})` : track.name || track.lang;
}

function fillMenus(hls) {
  audioMenu.replaceChildren(...hls.audioTracks.map((track, index) => option(index, trackName(track), track.lang)));
  audioMenu.value = String(hls.audioTrack);
  audioMenu.disabled = hls.audioTracks.length < 2;
  subtitleMenu.replaceChildren(
    option(-1, box.dataset.msgOff),
    ...hls.subtitleTracks.map((track, index) => option(index, trackName(track), track.lang)),
  );
  subtitleMenu.value = String(hls.subtitleTrack);
  subtitleMenu.disabled = hls.subtitleTracks.length === 0;
}

async function start() {
  let link;
  try {
    link = await call("GET", box.dataset.playback);
  } catch (error) {
    status.textContent = `${box.dataset.msgError} ${error.message}`;
    return;
  }
  const Hls = window.Hls;
  if (Hls && Hls.isSupported()) {
    const hls = new Hls({ renderTextTracksNatively: true });
    hls.on(Hls.Events.MANIFEST_PARSED, () => fillMenus(hls));
    hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, () => fillMenus(hls));
    hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, () => fillMenus(hls));
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (data.fatal) status.textContent = `${box.dataset.msgError} (${data.details})`;
    });
    audioMenu.addEventListener("change", () => { hls.audioTrack = Number(audioMenu.value); });
    subtitleMenu.addEventListener("change", () => {
      hls.subtitleTrack = Number(subtitleMenu.value);
      hls.subtitleDisplay = hls.subtitleTrack >= 0;
    });
    hls.loadSource(link.url);
    hls.attachMedia(video);
    window.portalPlayer = hls; // for the browser tests and the curious
  } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = link.url;
  } else {
    status.textContent = box.dataset.msgError;
  }
}

start();
