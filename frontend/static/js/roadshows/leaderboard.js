// The live leaderboard: rows re-sort as scores arrive, sliding to their new places.
//
// The page embeds the ranking it was rendered with (#leaderboard-config); the socket
// (/ws/rounds/<id>/leaderboard) sends {"type": "ranking", "leaderboard": ...} on connect and
// after scores arrive (at most two a second). Rows are keyed by submission id and moved with a
// FLIP animation (measure, reorder, play the difference back as a transform).
(() => {
  "use strict";
  const configNode = document.getElementById("leaderboard-config");
  if (!configNode || !window.luyanLive) return;
  const config = JSON.parse(configNode.textContent);
  const zh = (document.documentElement.lang || "").startsWith("zh");
  const body = document.querySelector("[data-board-rows]");
  const empty = document.querySelector("[data-board-empty]");
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  const nameOf = (row) => (zh && row.project_name_zh ? row.project_name_zh : row.project_name_en || row.project_name_zh);
  const scoreText = (value) => (value === null || value === undefined ? "—" : value.toFixed(2));

  function setText(node, text) {
    if (!node || node.textContent === text) return;
    node.textContent = text;
    node.classList.remove("flash-count");
    void node.offsetWidth; // restart the highlight
    node.classList.add("flash-count");
  }

  function cell(row, testid, className) {
    const td = document.createElement("td");
    td.className = className;
    td.dataset.testid = testid;
    row.appendChild(td);
    return td;
  }

  function newRow(item) {
    const tr = document.createElement("tr");
    tr.dataset.testid = "leaderboard-row";
    tr.dataset.submissionId = String(item.submission_id);
    cell(tr, "leaderboard-rank", "num leaderboard-rank");
    const project = document.createElement("td");
    const strong = document.createElement("strong");
    strong.dataset.field = "project";
    project.appendChild(strong);
    tr.appendChild(project);
    cell(tr, "leaderboard-judges", "num");
    cell(tr, "leaderboard-score", "num leaderboard-score");
    tr.classList.add("leaderboard-new");
    return tr;
  }

  function fill(tr, item) {
    setText(tr.querySelector('[data-testid="leaderboard-rank"]'), item.rank === null ? "—" : String(item.rank));
    tr.querySelector('[data-field="project"]').textContent = nameOf(item);
    let team = tr.querySelector('[data-field="team"]');
    if (item.team_name) {
      if (!team) {
        const project = tr.querySelector('[data-field="project"]').parentNode;
        project.appendChild(document.createElement("br"));
        team = document.createElement("small");
        team.dataset.field = "team";
        project.appendChild(team);
      }
      team.textContent = item.team_name;
    } else if (team) {
      team.previousSibling && team.previousSibling.remove();
      team.remove();
    }
    setText(tr.querySelector('[data-testid="leaderboard-judges"]'), String(item.judges_count));
    setText(tr.querySelector('[data-testid="leaderboard-score"]'), scoreText(item.score));
  }

  function render(board) {
    const existing = new Map();
    body.querySelectorAll("tr[data-submission-id]").forEach((tr) => existing.set(tr.dataset.submissionId, tr));
    const before = new Map();
    existing.forEach((tr, key) => before.set(key, tr.getBoundingClientRect().top));
    const wanted = board.rows.map((item) => {
      const key = String(item.submission_id);
      const tr = existing.get(key) || newRow(item);
      existing.delete(key);
      fill(tr, item);
      return tr;
    });
    existing.forEach((tr) => tr.remove()); // entries taken out of the round
    wanted.forEach((tr) => body.appendChild(tr)); // appending an attached row moves it
    if (!reduceMotion) {
      wanted.forEach((tr) => {
        const top = before.get(tr.dataset.submissionId);
        if (top === undefined) return;
        const delta = top - tr.getBoundingClientRect().top;
        if (!delta) return;
        tr.animate([{ transform: `translateY(${delta}px)` }, { transform: "translateY(0)" }], {
          duration: 600, easing: "ease-out",
        });
      });
    }
    if (empty) empty.hidden = board.rows.length > 0;
    document.querySelectorAll('[data-board="scores_count"]').forEach((node) => setText(node, String(board.scores_count)));
    document.querySelectorAll('[data-board="panel_size"]').forEach((node) => setText(node, String(board.panel_size)));
  }

  window.luyanLive.follow({
    path: config.socket,
    strings: config.strings,
    onMessage: (message) => {
      if (message.type === "ranking") render(message.leaderboard);
    },
  });
})();
