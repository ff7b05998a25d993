/**
 * The steps of `rpm`, declared in order over one state object (src/steps.ts). src/cli/rpm.ts shows
 * them with listr2; tests run them with runRpm(). Each step reads what earlier steps put in the
 * state and adds its own.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MissingToolError, assertNever } from '../errors.ts';
import { which } from '../exec/run.ts';
import { checkGo } from '../dockerd/go.ts';
import { obtainCheckout, resolveSource } from '../moby/checkout.ts';
import { assertClean } from '../moby/dirty.ts';
import { readAppliedRecord } from '../patchset/record.ts';
import { detectVersion, requireSet, type EngineVersion } from '../moby/version.ts';
import { defaultBase, supportedBases } from '../patchset/patch-set.ts';
import { runContainerBuild } from './container-run.ts';
import { parseDistro, type Distro } from './distro.ts';
import { NoRpmsError, UnknownDistroError, VerifyError } from './errors.ts';
import { findRpms, inspectRpm } from './inspect.ts';
import { buildLayout, type BuildLayout } from './layout.ts';
import { checkNativeTools, prepareTopdir, runNativeBuild } from './native-run.ts';
import { obtainPackaging, SPEC, type Packaging } from './packaging.ts';
import { applyPatchSet } from './patch.ts';
import { specRequires } from './requires.ts';
import { stageTree, type PatchStep, type StagedTree } from './stage.ts';
import type { PatchOutcome } from './patch.ts';
import { checkRpm, checkRpmSet, type Expectation, type RpmFacts } from './verify.ts';
import { stageSnapshotterSources } from './snapshotter-source.ts';
import { chooseSnapshotter, type SnapshotterChoice } from '../dockerd/snapshotter.ts';
import { need, runSteps, type Step } from '../steps.ts';
import { computeRpmVersion, expectedDockerdVersion, packagingBranch, versionDefines, type RpmVersion } from './version.ts';

export type Mode = 'native' | 'container';

export interface RpmRequest {
  /** A moby checkout, a mirror or URL to clone, or nothing: upstream at the newest supported tag. */
  moby?: string;
  packaging?: string;
  distro: string;
  mode: Mode;
  out: string;
  cwd: string;
  /** Where patches/ and full/ are read from. */
  projectRoot: string;
  /** Our rpm/ folder: the macros file and the example config. */
  projectRpmDir: string;
  /** Where clones of moby and docker-ce-packaging are kept between runs. */
  cacheDir: string;
  tiniStatic: string;
  uid: number;
  /** Build from a tree with local changes (they are carried into the staged copy). */
  force?: boolean;
  /** Replaces the patch engine (tests stage toy trees the real patch set does not fit). */
  patch?: PatchStep;
}

export interface RpmState {
  request: RpmRequest;
  layout: BuildLayout;
  engine?: { dir: string; version: EngineVersion };
  branch?: string;
  packaging?: Packaging;
  distro?: Distro;
  staged?: StagedTree & { patch: PatchOutcome };
  /** What the tree's engine line says of extra-snapshotter: packaged (docker-v29), or why not. */
  snapshotter?: SnapshotterChoice;
  version?: RpmVersion;
  wroteOutside: string[];
  rpms: RpmFacts[];
  failure?: unknown;
}

/** Build-log lines worth showing as progress: rpmbuild's stages, moby's bundles, the results. */
const PROGRESS = /^(Executing\(%\w+\)|---> Making bundle|Building (dynamic|static) |Created binary|Wrote: |PASS: |== Building)/;

const WORK: readonly Step<RpmState>[] = [
  {
    title: 'Check the build tools',
    async run(state) {
      const { mode, uid } = state.request;
      if (mode === 'native') return checkNativeTools(uid);
      if (mode === 'container') {
        if (!(await which('docker'))) throw new MissingToolError('docker', 'install the Docker CLI, or build natively with --native');
        return;
      }
      return assertNever(mode);
    },
  },
  {
    title: 'Open the moby tree',
    async run(state, { signal }) {
      const { request } = state;
      const source = await resolveSource({
        ...(request.moby !== undefined ? { moby: request.moby } : {}),
        cwd: request.cwd,
        cacheRoot: request.cacheDir,
        defaultRef: () => defaultBase(request.projectRoot),
      });
      // Only read: the tree is copied in the staging step, never patched or built in place.
      const { dir } = await obtainCheckout(source, signal);
      // The RPM's version says it is our patch set: local edits go in only when asked for, as in build-dockerd.
      const carried = await assertClean(dir, (await readAppliedRecord(dir))?.files ?? {}, request.force === true);
      const bases = await supportedBases(request.projectRoot);
      const version = await detectVersion(dir, bases);
      // Refused here, before docker-ce-packaging is cloned; the staging step loads the same choice.
      const { base } = requireSet(version.tag, bases);
      state.engine = { dir, version };
      state.branch = packagingBranch(version.version);
      state.snapshotter = chooseSnapshotter(Number(version.version.split('.')[0]), true);
      const forced = carried.length ? ` (--force: ${carried.length} local change(s) carried into the RPM)` : '';
      return `moby ${version.tag} at ${dir} (patch set ${base}), packaging branch ${state.branch}${forced}`;
    },
  },
  {
    title: 'Open docker-ce-packaging',
    async run(state, { signal }) {
      const { request } = state;
      const engine = need(state.engine, 'the engine');
      const packaging = await obtainPackaging(request.packaging, need(state.branch, 'the branch'), engine.version.tag, request.cwd, request.cacheDir, signal);
      if (!packaging.distros.includes(request.distro)) throw new UnknownDistroError(request.distro, packaging.distros);
      state.packaging = packaging;
      state.distro = parseDistro(request.distro, packaging.distros);
      return `${packaging.dir} (${packaging.branch})`;
    },
  },
  {
    title: 'Stage, patch and commit a copy of the tree',
    async run(state, { signal }) {
      const { request, layout } = state;
      const engine = need(state.engine, 'the engine');
      const patch: PatchStep = request.patch ?? ((dir, s) => applyPatchSet(request.projectRoot, engine.version.tag, dir, s));
      state.staged = await stageTree(engine.dir, layout.engine, patch, signal);
      state.version = computeRpmVersion({
        engineVersion: engine.version.version,
        gitCommit: state.staged.shortHead,
        extra: state.staged.patch.release,
        dist: need(state.distro, 'the distro').dist,
      });
      return `${state.staged.patch.note}; staged commit ${state.staged.shortHead}`;
    },
  },
  {
    title: "Stage extra-snapshotter's sources (go mod vendor: rpmbuild has no network)",
    skip: (state) => (state.snapshotter?.kind === 'skip' ? `no extra-snapshotter: ${state.snapshotter.reason}` : false),
    async run(state, { signal }) {
      const { request, layout } = state;
      const top = await stageSnapshotterSources(request.projectRoot, layout.stage, layout.snapshotterLog, signal);
      return `${top} (log: ${layout.snapshotterLog})`;
    },
  },
  {
    // The native flow compiles with the host's Go (the containers bring common.mk's); hack/make.sh
    // runs it with GOTOOLCHAIN=local, so one older than the tree's go line fails deep in rpmbuild.
    title: 'Check Go',
    enabled: (state) => state.request.mode === 'native',
    async run(state, { signal }) {
      const go = await checkGo(need(state.staged, 'the staged tree').dir, process.env, signal);
      return `Go ${go.found ?? '(devel)'} (the tree needs ${go.needed ?? 'any'})`;
    },
  },
  {
    title: 'Build the RPMs',
    async run(state, { signal, progress }) {
      const { request, layout } = state;
      const common = {
        layout,
        projectRpmDir: request.projectRpmDir,
        defines: versionDefines(need(state.version, 'the version')),
        snapshotter: need(state.snapshotter, 'the snapshotter choice').kind === 'build',
        signal,
        onLine: (line: string) => PROGRESS.test(line) && progress(line),
      };
      if (request.mode === 'native') {
        const inputs = { ...common, distro: need(state.distro, 'the distro'), packagingSpec: join(need(state.packaging, 'packaging').dir, SPEC), tiniStatic: request.tiniStatic };
        const { spec, macrosFile } = await prepareTopdir(inputs);
        const result = await runNativeBuild(inputs, spec, macrosFile);
        state.wroteOutside = result.wroteOutside;
        return `rpmbuild log: ${result.log}`;
      }
      const dirs = await runContainerBuild({ ...common, packaging: need(state.packaging, 'packaging'), distro: request.distro });
      state.layout = { ...layout, rpms: dirs.rpms, srpms: dirs.srpms };
      return `make log: ${layout.log}`;
    },
  },
  {
    title: 'Verify the RPMs',
    async run(state, { signal }) {
      const { layout } = state;
      const version = need(state.version, 'the version');
      const paths = await findRpms(layout.rpms, layout.srpms);
      if (paths.length === 0) throw new NoRpmsError(layout.topdir);
      const want: Expectation = {
        version: version.version,
        release: version.release + need(state.distro, 'the distro').dist,
        dockerdVersion: expectedDockerdVersion(version),
        helpMentions: need(state.staged, 'the staged tree').patch.empty ? [] : ['--extra-storage'],
        requires: specRequires(await readFile(join(need(state.packaging, 'packaging').dir, SPEC), 'utf8')),
        snapshotter: need(state.snapshotter, 'the snapshotter choice').kind === 'build',
      };
      state.rpms = [];
      for (const path of paths) state.rpms.push(await inspectRpm(path, layout.extract, signal));
      const failures = [...checkRpmSet(state.rpms, want), ...state.rpms.flatMap((facts) => checkRpm(facts, want))];
      if (failures.length) throw new VerifyError(failures);
      return `${paths.length} RPM(s) checked`;
    },
  },
];

/** Each step's title once done keeps its name and adds what it found ("Open the moby tree: moby v28.5.2 at …"). */
export const STEPS: readonly Step<RpmState>[] = WORK.map((step) => ({
  ...step,
  run: async (state, io) => {
    const note = await step.run(state, io);
    return note ? `${step.title}: ${note}` : undefined;
  },
}));

export function initialState(request: RpmRequest): RpmState {
  return { request, layout: buildLayout(request.out, request.cwd), wroteOutside: [], rpms: [] };
}

/** All steps in order, without a display: for tests and scripts. */
export function runRpm(request: RpmRequest, signal = new AbortController().signal, onLine: (line: string) => void = () => {}): Promise<RpmState> {
  return runSteps(STEPS, initialState(request), { signal, progress: onLine });
}
