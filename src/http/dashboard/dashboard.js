// The operations dashboard: every figure comes from the public GraphQL API (`/graphql`) with the
// viewer's own token, so it shows exactly what that token may read. No library, no build step.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const PLACED = ["COMPLETE", "RETURNED"];
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

  // Columns of the orders table: a path in the Order type, its heading, shown at first.
  const FIELDS = [
    ["number", "Number", true],
    ["status", "Status", true],
    ["completedAt", "Placed", true],
    ["customer.email", "Customer", true],
    ["total", "Total", true],
    ["currency", "Currency", true],
    ["channel.name", "Channel", false],
    ["store.name", "Store", false],
    ["itemCount", "Items", false],
    ["paymentStatus", "Payment", false],
    ["fulfillmentStatus", "Fulfillment", false],
    ["email", "Order email", false],
    ["createdAt", "Created", false],
  ];
  const chosen = new Set(FIELDS.filter((f) => f[2]).map((f) => f[0]));
  let token = "";

  async function gql(query, variables) {
    const res = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + token },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json().catch(() => ({}));
    const first = (body.errors || [])[0];
    if (!res.ok || first) {
      const code = first && first.extensions && first.extensions.code;
      throw new Error((first ? first.message : res.statusText) + (code ? " (" + code + ")" : ""));
    }
    return body.data;
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function money(amount) {
    const n = Number(amount);
    return Number.isFinite(n)
      ? n.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
      : String(amount);
  }

  function fillRows(tbody, rows) {
    tbody.replaceChildren(
      ...rows.map((cells) => {
        const tr = el("tr");
        cells.forEach(([text, numeric]) => tr.append(el("td", text, numeric ? "num" : "")));
        return tr;
      })
    );
  }

  // Local midnight of a yyyy-mm-dd date, as an instant.
  const startOf = (day) => new Date(day + "T00:00:00").toISOString();
  const nextDay = (day) => {
    const d = new Date(day + "T00:00:00");
    d.setDate(d.getDate() + 1);
    return d.toISOString();
  };
  const localDay = (iso) => {
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, "0");
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  };

  function period() {
    const range = { gte: startOf($("from").value), lt: nextDay($("to").value) };
    return {
      placed: { status: { in: PLACED }, completedAt: range },
      created: { createdAt: range },
    };
  }

  const FIGURES = `query Dashboard($placed: OrderFilter, $created: OrderFilter, $tz: String!) {
  overall: orderStats(filter: $placed, groupBy: [], timezone: $tz) { count total averageTotal }
  byDay: orderStats(filter: $placed, groupBy: [DAY, CHANNEL], timezone: $tz) {
    period channel { id name } count total
  }
  byChannel: orderStats(filter: $placed, groupBy: [CHANNEL], timezone: $tz) {
    channel { id name } count total averageTotal
  }
  byStatus: orderStats(filter: $created, groupBy: [STATUS], dateField: CREATED_AT, timezone: $tz) {
    status count
  }
  topCustomers(filter: $placed, first: 10) {
    customer { id email firstName lastName } orderCount total
  }
}`;

  async function showFigures() {
    const f = period();
    const data = await gql(FIGURES, { placed: f.placed, created: f.created, tz: zone });
    const overall = data.overall[0] || { count: 0, total: "0", averageTotal: "0" };
    const summary = $("summary");
    summary.dataset.count = overall.count;
    summary.dataset.total = overall.total;
    summary.textContent =
      overall.count + " orders placed, revenue " + money(overall.total) +
      ", average " + money(overall.averageTotal) + ".";
    drawChart(data.byDay);
    const channelName = (c) => (c ? c.name : "No channel");
    fillRows(
      $("channels").tBodies[0],
      data.byChannel.map((b) => [
        [channelName(b.channel)], [b.count, true], [money(b.total), true], [money(b.averageTotal), true],
      ])
    );
    [...$("channels").tBodies[0].rows].forEach((tr, i) => {
      tr.dataset.channel = channelName(data.byChannel[i].channel);
      tr.dataset.total = data.byChannel[i].total;
      tr.dataset.count = data.byChannel[i].count;
    });
    fillRows($("statuses").tBodies[0], data.byStatus.map((b) => [[b.status], [b.count, true]]));
    [...$("statuses").tBodies[0].rows].forEach((tr, i) => {
      tr.dataset.status = data.byStatus[i].status;
      tr.dataset.count = data.byStatus[i].count;
    });
    const who = (c) =>
      c ? [c.firstName, c.lastName].filter(Boolean).join(" ") + " <" + c.email + ">" : "(not visible)";
    fillRows(
      $("top-customers").tBodies[0],
      data.topCustomers.map((t) => [[who(t.customer)], [t.orderCount, true], [money(t.total), true]])
    );
    [...$("top-customers").tBodies[0].rows].forEach((tr, i) => {
      tr.dataset.total = data.topCustomers[i].total;
    });
  }

  // Stacked bars: one per day of the period, a segment per channel.
  function drawChart(buckets) {
    const chart = $("chart");
    const days = [];
    for (let d = $("from").value; d <= $("to").value; d = localDay(nextDay(d))) days.push(d);
    const channels = [];
    const byDay = new Map(days.map((d) => [d, []]));
    for (const b of buckets) {
      const name = b.channel ? b.channel.name : "No channel";
      if (!channels.includes(name)) channels.push(name);
      const list = byDay.get(localDay(b.period));
      if (list) list.push({ name, total: Number(b.total), exact: b.total, count: b.count });
    }
    const dayTotal = (list) => list.reduce((s, x) => s + x.total, 0);
    const max = Math.max(1, ...[...byDay.values()].map(dayTotal));
    const W = 800, H = 260, left = 56, bottom = 22, top = 8;
    const slot = (W - left - 4) / Math.max(1, days.length);
    const y = (v) => H - bottom - (v / max) * (H - bottom - top);
    const nodes = [];
    const line = (x1, y1, x2, y2) => {
      const l = document.createElementNS(SVG, "line");
      Object.entries({ x1, y1, x2, y2, class: "axis" }).forEach(([k, v]) => l.setAttribute(k, v));
      return l;
    };
    const label = (x, yy, text, anchor) => {
      const t = document.createElementNS(SVG, "text");
      t.setAttribute("x", x);
      t.setAttribute("y", yy);
      t.setAttribute("text-anchor", anchor);
      t.textContent = text;
      return t;
    };
    nodes.push(line(left, H - bottom, W, H - bottom), line(left, top, left, H - bottom));
    [0, 0.5, 1].forEach((f) => nodes.push(label(left - 4, y(max * f) + 4, money(max * f), "end")));
    days.forEach((day, i) => {
      const g = document.createElementNS(SVG, "g");
      const list = byDay.get(day);
      g.setAttribute("class", "day");
      g.dataset.day = day;
      g.dataset.count = list.reduce((s, x) => s + x.count, 0);
      let base = 0;
      for (const seg of list) {
        const r = document.createElementNS(SVG, "rect");
        r.setAttribute("x", left + i * slot + slot * 0.1);
        r.setAttribute("width", Math.max(1, slot * 0.8));
        r.setAttribute("y", y(base + seg.total));
        r.setAttribute("height", Math.max(0, y(base) - y(base + seg.total)));
        r.setAttribute("class", "c" + (channels.indexOf(seg.name) % 6));
        r.dataset.channel = seg.name;
        r.dataset.total = seg.exact;
        const tip = document.createElementNS(SVG, "title");
        tip.textContent = day + " · " + seg.name + ": " + seg.count + " orders, " + money(seg.total);
        r.append(tip);
        g.append(r);
        base += seg.total;
      }
      nodes.push(g);
      const every = Math.ceil(days.length / 10);
      if (i % every === 0) nodes.push(label(left + i * slot + slot / 2, H - 6, day.slice(5), "middle"));
    });
    chart.replaceChildren(...nodes);
    $("legend").replaceChildren(
      ...channels.map((name, i) => {
        const li = el("li", name);
        li.prepend(el("span", "", "swatch c" + (i % 6)));
        return li;
      })
    );
  }

  // The selection of the orders table, built from the chosen paths ("customer.email" nests).
  function selection(paths) {
    const tree = {};
    for (const path of paths) {
      let node = tree;
      for (const part of path.split(".")) node = node[part] = node[part] || {};
    }
    const render = (node, depth) =>
      Object.entries(node)
        .map(([k, sub]) =>
          Object.keys(sub).length
            ? k + " { " + render(sub, depth + 1) + " }"
            : k
        )
        .join(" ");
    return render(tree, 0);
  }

  function ordersQuery() {
    const paths = FIELDS.map((f) => f[0]).filter((p) => chosen.has(p));
    return (
      "query Orders($created: OrderFilter) {\n" +
      "  orders(first: 25, filter: $created) {\n" +
      "    totalCount\n" +
      "    nodes { id " + selection(paths) + " }\n" +
      "  }\n}"
    );
  }

  async function showOrders() {
    const query = ordersQuery();
    $("orders-query").textContent = query;
    const data = await gql(query, { created: period().created });
    const columns = FIELDS.filter((f) => chosen.has(f[0]));
    const head = $("orders").tHead.rows[0];
    head.replaceChildren(
      ...columns.map(([path, title]) => {
        const th = el("th", title);
        th.dataset.field = path;
        return th;
      })
    );
    const value = (row, path) =>
      path.split(".").reduce((v, k) => (v === null || v === undefined ? v : v[k]), row);
    fillRows(
      $("orders").tBodies[0],
      data.orders.nodes.map((row) =>
        columns.map(([path]) => {
          const v = value(row, path);
          return [v === null || v === undefined ? "" : path === "total" ? money(v) : v, path === "total"];
        })
      )
    );
  }

  function buildPicker() {
    const box = $("fields");
    for (const [path, title] of FIELDS) {
      const input = el("input");
      input.type = "checkbox";
      input.value = path;
      input.id = "field-" + path.replace(".", "-");
      input.checked = chosen.has(path);
      input.addEventListener("change", () => {
        if (input.checked) chosen.add(path);
        else chosen.delete(path);
        run(showOrders);
      });
      const labelNode = el("label", " " + title);
      labelNode.prepend(input);
      box.append(labelNode);
    }
  }

  async function run(step) {
    $("message").textContent = "";
    document.body.dataset.state = "loading";
    try {
      await step();
      document.body.dataset.state = "ready";
    } catch (e) {
      $("message").textContent = e.message;
      document.body.dataset.state = "error";
    }
  }

  // The period defaults to the 30 days up to the newest order (the demo data is not recent).
  async function signIn(value) {
    token = value.trim();
    sessionStorage.setItem("cg-dashboard-token", token);
    const data = await gql("{ orders(first: 1) { nodes { createdAt } } }");
    const newest = data.orders.nodes[0];
    const end = newest ? localDay(newest.createdAt) : localDay(new Date().toISOString());
    const params = new URLSearchParams(location.search);
    const start = new Date(end + "T00:00:00");
    start.setDate(start.getDate() - 29);
    $("from").value = params.get("from") || localDay(start.toISOString());
    $("to").value = params.get("to") || end;
    $("zone").textContent = "days in " + zone;
    $("login").hidden = true;
    $("period").hidden = false;
    $("main").hidden = false;
    await Promise.all([showFigures(), showOrders()]);
  }

  $("login").addEventListener("submit", (e) => {
    e.preventDefault();
    run(() => signIn($("token").value));
  });
  $("period").addEventListener("submit", (e) => {
    e.preventDefault();
    run(() => Promise.all([showFigures(), showOrders()]));
  });
  buildPicker();

  const fromLink = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (fromLink) history.replaceState(null, "", location.pathname + location.search);
  const saved = fromLink ? decodeURIComponent(fromLink[1]) : sessionStorage.getItem("cg-dashboard-token");
  if (saved) run(() => signIn(saved));
})();
