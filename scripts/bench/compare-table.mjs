// Turns compare.sh's result folder into a markdown table (Chord vs llama.cpp per model and round).
//   node compare-table.mjs OUT_DIR TYPES ROUNDS PP TG
import {readFileSync, existsSync} from "node:fs";

const [dir, types, rounds, pp, tg] = process.argv.slice(2);
const read = (f) => JSON.parse(readFileSync(`${dir}/${f}`, "utf8"));
const text = (f) => (existsSync(`${dir}/${f}`) ? readFileSync(`${dir}/${f}`, "utf8").trim() : "");
const mib = (b) => (b / 2 ** 20).toFixed(0);
const f1 = (x) => x.toFixed(1);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
// bw.c's best read figure of the round (GB/s): the most the machine streamed, so the wall a decode step meets.
const bandwidth = (r) => {
    const rows = text(`bw.${r}.txt`).split("\n").filter((l) => /^read/.test(l)).map((l) => Number(l.trim().split(/\s+/)[1]));
    return rows.length ? Math.max(...rows) : null;
};

console.log(`| model | round | test | Chord t/s | llama.cpp t/s | Chord / llama.cpp | Chord peak RSS MiB | llama.cpp peak RSS MiB | RSS ratio | share of bandwidth wall, Chord / llama.cpp | read GB/s | other CPU cores, Chord / llama.cpp run |`);
console.log(`|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|`);
const shas = [];
for (const t of types.split(",")) {
    shas.push(`- \`chord-tinyllama-1.1b-${t}.gguf\`: sha256 \`${text(`${t}.sha256`)}\``);
    for (let r = 1; r <= Number(rounds); r++) {
        const chord = read(`${t}.chord.${r}.json`);
        const llama = read(`${t}.llama.${r}.json`)[0];
        const load = `${text(`${t}.chord.${r}.load`).split(" ")[0]} / ${text(`${t}.llama.${r}.load`).split(" ")[0]}`;
        const chordPeak = Math.max(...chord.map((x) => x.peak_rss_bytes));
        const llamaPeak = llama.rss.maxRssKB * 1024;
        const bw = bandwidth(r);
        for (const [name, key, n] of [[`pp${pp}`, "pp", Number(pp)], [`tg${tg}`, "tg", Number(tg)]]) {
            const c = chord.find((x) => (key === "pp" ? x.n_prompt === n : x.n_gen === n));
            // Medians on both sides (bench.mjs reports the median of its repetitions).
            const cts = median(c.samples_ts), lts = llama[key].wall.median;
            // A decode step streams decode_weight_bytes (every weight once, one embedding row).
            const share = key === "tg" && bw ? `${(100 * cts * c.decode_weight_bytes / (bw * 1e9)).toFixed(0)} % / ${(100 * lts * c.decode_weight_bytes / (bw * 1e9)).toFixed(0)} %` : "";
            console.log(`| ${t.toUpperCase()} | ${r} | ${name} | ${f1(cts)} | ${f1(lts)} | ${(cts / lts).toFixed(2)} | ${mib(chordPeak)} | ${mib(llamaPeak)} | ${(chordPeak / llamaPeak).toFixed(2)} | ${share} | ${bw ? bw.toFixed(1) : "-"} | ${load} |`);
        }
    }
}
console.log("");
const first = types.split(",")[0];
console.log(`- Chord backend: ${read(`${first}.chord.1.json`)[0].simd}; llama.cpp: ${read(`${first}.llama.1.json`)[0].cpuBackend}`);
console.log(text("build.txt").split("\n").map((l) => `- ${l}`).join("\n"));
console.log("- make_model.py --tiny q4_0 loads and generates in chord-cli: " + text("make_model-check.status"));
console.log("");
for (const s of shas) console.log(s);
