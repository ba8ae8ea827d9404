// One appeal's page. After a save the notice at the top takes the focus, so a screen reader
// reads what was saved and the keyboard goes on from there. "Use template" puts the chosen
// template (number filled in by the server) into the answer box at once, without sending or
// reloading anything; choosing in the list alone changes nothing (WCAG 3.2.2). Without script
// the same button loads the page again with the template in the box.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const notice = document.getElementById("notice");
  if (notice) notice.focus();
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
    text.focus();
  });
});
