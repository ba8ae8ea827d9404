// The host page's own script. The queue stub lets it talk to the loader before embed.js has
// arrived (the snippet is async): the calls are kept and replayed in order once it loads.
window.PosIntake = window.PosIntake || function () {
  (window.PosIntake.q = window.PosIntake.q || []).push(arguments);
};

// Show the number of the appeal the citizen has just sent. The loader passes on "submitted"
// only when it comes from its own form frame on the service's origin.
PosIntake('on', 'submitted', function (appeal) {
  document.getElementById('last-number').textContent = appeal.number;
});
