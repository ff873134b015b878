#!/usr/bin/env bash
# Prints the gzip size of what the app ships (wasm + js + css) and fails above the budget.
# The budget only goes up in the commit that needs it, with the reason and the new figure in
# its message (issue 13). The goal is 250 KiB; the budget is the figure measured on 2026-12-01
# (566 KiB: 559 before issue 13, plus its checkpoints, limits and the CSP loader files) plus a
# small margin. Raised to 750 KiB the same day for 729 KiB measured: the architecture-diagram
# canvas (issue 10), the editor and event log work (issue 11) and the cost meter, cost charts
# and Compare view (issue 16) landed together. Cutting it is issue 13's open work.
# Raised to 850 KiB for 833 KiB measured (729 before; 843 once rebased on the substrate split): EKS in the app (issue 14) ships the sim's
# EKS model (manifest readers, kube-scheduler, Deployment controllers), its YAML parser
# (saphyr-parser) and the EKS picture and inspector. Loading EKS as a separate module on demand
# would take it back out of the first load.
# Main measured 889 KiB after the EKS merge. Lowered to 865 KiB for 855 KiB measured: issue
# 13's first cuts (plotters replaced by chart_layout.rs, serde_path_to_error by
# scenario/tracked.rs; 729 → 693 KiB before EKS). ARCHITECTURE.md says where the bytes are.
set -euo pipefail
cd "$(dirname "$0")/.."
# Raised to 925 KiB for 914 KiB measured once the app stepped the EKS engine (its DaemonSet,
# Job, CronJob, HPA, Fargate and Cluster Autoscaler controllers now reach the wasm) and drew
# Services and events: the cut is loading EKS as its own module on demand (issue 13).
# Raised to 945 KiB for 938 KiB measured: the AWS Load Balancer Controller (Ingress and
# annotation readers, ALB/NLB model and reconcile, the report's target groups) and the EKS
# load balancer drawing reach the wasm (issue 15); the same cut applies.
# Raised to 940 KiB for 932 KiB measured: EKS Spot interruptions and pod identity (issue 15:
# IRSA / Pod Identity / node role, the IAM calls and Spot notices drawn) and their two lessons.
# Lowered to 945 KiB for 936 KiB measured on main with both of those (the budget was 960):
# sort.rs instantiates std's sort once instead of per call site, and the scenario loader's
# tracked deserializer visits each typed request's own kind (−22 KiB measured before the
# rebase: 913 → 891; issue 13; ARCHITECTURE.md's "Shipped size" has the profile and the plan).
# Measured together on main once every branch of the day had merged: 996 KiB (the load
# balancer controller, Spot and identity, node scaling, pod IPs and the EKS app's part 2 added
# about 105 KiB over the 891 KiB that the size cuts left). Budget 1,010 KiB. The plan that gets
# under it again is EKS loaded on demand and hand-read scenario entries (issue 13; ARCHITECTURE.md
# "Shipped size").
# Raised to 1,050 KiB for 1,041 KiB measured on main once session 6's branches merged (1,006
# before): EC2 Auto Scaling groups in the substrate for both orchestrators (issue 14), HPA
# traffic / Pods / Object / External metric sources, Karpenter drift with Karpenter's verified
# event wording, EKS pod compaction and event TTL (issue 15), the app's ImagePullBackOff chips
# and node fades (about 35 KiB together; drift alone about 10). The same cuts apply (issue 13).
# Lowered to 1,032 KiB for 1,024 KiB measured (1,041 before) so the cuts stay cut: session 7's
# minified lessons, the picture's lookups without a BTreeMap type each and the shared view
# elements (issue 13; ARCHITECTURE.md "Shipped size" has each cut's saving).
# Raised to 1,053 KiB for 1,045 KiB measured on main once session 7's other branches merged
# onto those cuts: traffic per Ingress, VPC prefixes returned, the EKS Charts' metric labels, the
# Karpenter lesson and its NodeClaim drawing, and #15's fidelity fixes (Capacity Rebalancing, CA
# upcoming nodes, Karpenter budget polling, externalTrafficPolicy, Fargate exclusions, OIDC, HPA
# conditions): about 21 KiB together (issue 15; the same cuts apply, issue 13).
# Lowered to 996 KiB for 988 KiB measured (1,052 before): scenario entries read by
# `#[derive(FromJson)]` instead of serde's derived visitors (about −200 KB of raw code) and
# regex-lite replaced by sim/src/regex (about −16 KB raw) (issue 13).
BUDGET_KIB=996
total=0
echo "==> shipped size (gzip -9)"
for f in dist/*.wasm dist/*.js dist/*.css; do
  [ -e "$f" ] || continue
  raw=$(wc -c < "$f"); gz=$(gzip -9 -c "$f" | wc -c); total=$((total + gz))
  printf '    %-48s %8d B raw %8d B gzip\n' "$(basename "$f")" "$raw" "$gz"
done
printf '    %-48s %26d B gzip (%d KiB)\n' "total wasm+js+css" "$total" "$((total / 1024))"
if [ "$total" -eq 0 ]; then
  echo "size-report: nothing in dist/ (run scripts/build.sh first)" >&2
  exit 1
fi
if [ "$total" -gt $((BUDGET_KIB * 1024)) ]; then
  echo "size-report: $((total / 1024)) KiB is over the budget of $BUDGET_KIB KiB" >&2
  exit 1
fi
echo "    within the budget of $BUDGET_KIB KiB"
