// One appeal's page: choosing an answer template loads it at once (the server fills in the
// number and the name); without script the "Use template" button does the same.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const pick = document.getElementById("template-pick");
  if (!pick) return;
  const select = pick.querySelector("select");
  const button = pick.querySelector("button");
  if (button) button.classList.add("visually-hidden");
  select.addEventListener("change", () => pick.requestSubmit());
});
