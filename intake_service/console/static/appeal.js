// One appeal's page. After a save the notice at the top takes the focus, so a screen reader
// reads what was saved and the keyboard goes on from there. "Use template" puts the chosen
// template (number filled in by the server) into the answer box at once, without sending or
// reloading anything; choosing in the list alone changes nothing (WCAG 3.2.2). Without script
// the same button loads the page again with the template in the box.
//
// What the operator types into the handling panel's boxes (reason, note, answer) is kept in
// the tab's sessionStorage, one entry per appeal, as it is typed: a save sent after the session
// ran out goes to the sign-in page, which comes back here, and the text is put back into the
// boxes it was typed in (WCAG 2.2.1: nothing typed is lost to the time limit). The entry is
// dropped once the panel's save went through: the server answers it with `?done=…`, which is
// then taken off the address, so that a later form sent from here does not come back with it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const notice = document.getElementById("notice");
  if (notice) notice.focus();
  keepDrafts(document.getElementById("panel"));
  const use = document.getElementById("template-use");
  const select = document.getElementById("template");
  const text = document.getElementById("answer-text");
  const title = document.getElementById("template-title");
  if (!use || !select || !text) return;
  use.addEventListener("click", (event) => {
    event.preventDefault();
    const option = select.selectedOptions[0];
    if (!option || !option.value) {
      select.focus();
      return;
    }
    text.value = option.dataset.body || "";
    if (title) title.value = option.dataset.title || "";
    text.dispatchEvent(new Event("input", { bubbles: true }));
    text.focus();
  });
});

function keepDrafts(panel) {
  let store = null;
  try {
    store = window.sessionStorage;
  } catch (refused) {
    return; // storage off: the page works as before
  }
  if (!panel || !store) return;
  const key = "pos-intake.panel." + panel.dataset.appeal;
  const boxes = Array.from(panel.querySelectorAll("textarea[name]"));
  const params = new URLSearchParams(window.location.search);
  let draft = null;
  try {
    draft = JSON.parse(store.getItem(key) || "null");
  } catch (broken) {
    store.removeItem(key);
  }
  if (draft && draft.sent && params.has("done")) {
    store.removeItem(key); // saved: the boxes start empty
  } else if (draft && draft.text) {
    let restored = false;
    for (const box of boxes) {
      const typed = draft.text[box.name];
      // never over what the server put there (a refused save's text, a template)
      if (typeof typed === "string" && typed && !box.value) {
        box.value = typed;
        restored = true;
      }
    }
    const said = document.getElementById("draft-restored");
    if (restored && said) said.hidden = false;
    write(false);
  }
  if (params.has("done")) {
    params.delete("done");
    const query = params.toString();
    const here = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(window.history.state, "", here);
  }

  function write(sent) {
    const text = {};
    for (const box of boxes) if (box.value.trim()) text[box.name] = box.value;
    try {
      if (Object.keys(text).length) store.setItem(key, JSON.stringify({ text, sent }));
      else store.removeItem(key);
    } catch (full) {
      // storage full or refused: the page still works, only without the kept copy
    }
  }
  panel.addEventListener("input", () => write(false));
  panel.addEventListener("submit", () => write(true));
}
