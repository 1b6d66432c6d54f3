/**
 * The Pod Security Standards as Pod Security Admission enforces them: which checks a pod fails at `baseline` or
 * `restricted`, for a namespace's `enforce-version`. Used to refuse, at synth, a pod its namespace would reject (the
 * controller's pod creations would fail and a warm pool would sit at 0), and to pick the least permissive level a
 * pod needs (the controller namespace).
 *
 * Written from the checks of k8s.io/pod-security-admission v0.36.3 (`policy/check_*.go`, read from the Go module
 * proxy; the standard: https://kubernetes.io/docs/concepts/security/pod-security-standards/). Check ids are
 * upstream's. Version steps kept: host probes from 1.34, user-namespace relaxations and `procMount_restricted` from
 * 1.35, the sysctl lists of 1.27/1.29/1.32, `container_engine_t` from 1.31, Windows exemptions from 1.25.
 */
import { joinPath } from '../core/diagnostics';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface PodSecurityFinding {
  /** Upstream check id, e.g. `restrictedVolumes`, `appArmorProfile`. */
  readonly check: string;
  /** The level whose policy contains the check. */
  readonly level: 'baseline' | 'restricted';
  /** Where, relative to the pod spec's parent (e.g. `spec.containers[0].securityContext.capabilities.add`). */
  readonly path: string;
  /** What is forbidden, in PSA's terms. */
  readonly message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** `latest` or `v1.<minor>` → the minor version the checks follow (latest = every step). */
export function podSecurityMinor(version: string | undefined): number {
  const m = /^v1\.(\d+)$/.exec(version ?? 'latest');
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
}

const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
const RESTRICTED_VOLUME_SOURCES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];

function allowedSysctls(minor: number): string[] {
  const v10 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
  const v127 = minor >= 27 ? ['net.ipv4.ip_local_reserved_ports'] : [];
  const v129 = minor >= 29 ? ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'] : [];
  const v132 = minor >= 32 ? ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'] : [];
  return [...v10, ...v127, ...v129, ...v132];
}

function allowedSeLinuxTypes(minor: number): string[] {
  return ['', 'container_t', 'container_init_t', 'container_kvm_t', ...(minor >= 31 ? ['container_engine_t'] : [])];
}

interface Container {
  readonly c: Obj;
  readonly sc: Obj;
  readonly path: string;
}

/**
 * Every check the pod fails at `level` (`privileged`: none). `base` is the path of the pod spec (`spec` for a Pod,
 * `spec.podTemplate.spec` for a SandboxTemplate); `podAnnotations` are the pod's metadata annotations (AppArmor).
 */
export function podSecurityFindings(
  podSpec: Obj,
  level: PodSecurityLevel,
  options: { readonly version?: string; readonly podAnnotations?: Readonly<Record<string, unknown>>; readonly base?: string; readonly annotationsPath?: string } = {},
): PodSecurityFinding[] {
  if (level === 'privileged') return [];
  const minor = podSecurityMinor(options.version);
  const base = options.base ?? 'spec';
  const at = (...keys: (string | number)[]) => keys.reduce<string>((p, k) => joinPath(p, k), base);
  const out: PodSecurityFinding[] = [];
  const add = (check: string, checkLevel: 'baseline' | 'restricted', path: string, message: string) => out.push({ check, level: checkLevel, path, message });
  const restricted = level === 'restricted';
  const podSc = isObj(podSpec.securityContext) ? podSpec.securityContext : {};
  const windows = isObj(podSpec.os) && podSpec.os.name === 'windows';
  const userNamespace = podSpec.hostUsers === false;
  const containers: Container[] = (['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap((name) =>
    list(podSpec[name]).map((raw, i) => {
      const c = isObj(raw) ? raw : {};
      return { c, sc: isObj(c.securityContext) ? c.securityContext : {}, path: at(name, i) };
    }),
  );
  const cp = (ct: Container, ...keys: (string | number)[]) => keys.reduce<string>((p, k) => joinPath(p, k), ct.path);

  // --- baseline ---
  const hostProcess = (sc: Obj) => isObj(sc.windowsOptions) && sc.windowsOptions.hostProcess === true;
  if (hostProcess(podSc)) add('windowsHostProcess', 'baseline', at('securityContext', 'windowsOptions', 'hostProcess'), 'must not be true (a HostProcess container runs on the node)');
  for (const ct of containers) {
    if (hostProcess(ct.sc)) add('windowsHostProcess', 'baseline', cp(ct, 'securityContext', 'windowsOptions', 'hostProcess'), 'must not be true (a HostProcess container runs on the node)');
  }
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (podSpec[field] === true) add('hostNamespaces', 'baseline', at(field), 'must not be true (host namespaces)');
  }
  for (const ct of containers) {
    if (ct.sc.privileged === true) add('privileged', 'baseline', cp(ct, 'securityContext', 'privileged'), 'must not be true');
  }
  if (!restricted) {
    for (const ct of containers) {
      const caps = isObj(ct.sc.capabilities) ? list(ct.sc.capabilities.add) : [];
      const extra = caps.filter((cap) => !BASELINE_CAPABILITIES.includes(String(cap)));
      if (extra.length) add('capabilities_baseline', 'baseline', cp(ct, 'securityContext', 'capabilities', 'add'), `must not add ${extra.join(', ')} (beyond the default set)`);
    }
    list(podSpec.volumes).forEach((v, i) => {
      if (isObj(v) && v.hostPath !== undefined && v.hostPath !== null) add('hostPathVolumes', 'baseline', at('volumes', i, 'hostPath'), 'must not be used');
    });
  }
  for (const ct of containers) {
    list(ct.c.ports).forEach((p, j) => {
      if (isObj(p) && typeof p.hostPort === 'number' && p.hostPort !== 0) add('hostPorts', 'baseline', cp(ct, 'ports', j, 'hostPort'), 'must be unset or 0');
    });
  }
  // AppArmor: the field (pod and containers) and the deprecated annotation.
  const badAppArmor = (sc: Obj) => isObj(sc.appArmorProfile) && sc.appArmorProfile.type !== 'RuntimeDefault' && sc.appArmorProfile.type !== 'Localhost';
  if (badAppArmor(podSc)) add('appArmorProfile', 'baseline', at('securityContext', 'appArmorProfile', 'type'), `must be RuntimeDefault or Localhost, got ${JSON.stringify((podSc.appArmorProfile as Obj).type)}`);
  for (const ct of containers) {
    if (badAppArmor(ct.sc)) add('appArmorProfile', 'baseline', cp(ct, 'securityContext', 'appArmorProfile', 'type'), `must be RuntimeDefault or Localhost, got ${JSON.stringify((ct.sc.appArmorProfile as Obj).type)}`);
  }
  for (const [key, value] of Object.entries(options.podAnnotations ?? {})) {
    if (!key.startsWith('container.apparmor.security.beta.kubernetes.io/')) continue;
    const v = typeof value === 'string' ? value : '';
    if (!(v === '' || v === 'runtime/default' || v.startsWith('localhost/'))) {
      add('appArmorProfile', 'baseline', joinPath(options.annotationsPath ?? 'metadata.annotations', key), `must be runtime/default or localhost/<profile>, got ${JSON.stringify(value)}`);
    }
  }
  // SELinux: type from the allowed set, no user or role.
  const seTypes = allowedSeLinuxTypes(minor);
  const checkSeLinux = (sc: Obj, path: string) => {
    if (!isObj(sc.seLinuxOptions)) return;
    const o = sc.seLinuxOptions;
    if (!seTypes.includes(typeof o.type === 'string' ? o.type : '')) add('seLinuxOptions', 'baseline', joinPath(path, 'type'), `must be one of ${seTypes.filter(Boolean).join(', ')} or unset, got ${JSON.stringify(o.type)}`);
    for (const field of ['user', 'role'] as const) {
      if (typeof o[field] === 'string' && o[field] !== '') add('seLinuxOptions', 'baseline', joinPath(path, field), 'must be unset');
    }
  };
  checkSeLinux(podSc, at('securityContext', 'seLinuxOptions'));
  for (const ct of containers) checkSeLinux(ct.sc, cp(ct, 'securityContext', 'seLinuxOptions'));
  // /proc mount: relaxed in a user namespace from 1.35 at baseline, never at restricted from 1.35.
  const procMountRelaxed = userNamespace && minor >= 35 && !(restricted && minor >= 35);
  if (!procMountRelaxed) {
    for (const ct of containers) {
      if (ct.sc.procMount !== undefined && ct.sc.procMount !== null && ct.sc.procMount !== 'Default') {
        add(restricted && minor >= 35 ? 'procMount_restricted' : 'procMount', restricted && minor >= 35 ? 'restricted' : 'baseline', cp(ct, 'securityContext', 'procMount'), 'must be Default or unset');
      }
    }
  }
  if (!restricted) {
    const badSeccomp = (sc: Obj) => isObj(sc.seccompProfile) && sc.seccompProfile.type !== 'RuntimeDefault' && sc.seccompProfile.type !== 'Localhost';
    if (badSeccomp(podSc)) add('seccompProfile_baseline', 'baseline', at('securityContext', 'seccompProfile', 'type'), 'must be RuntimeDefault, Localhost or unset');
    for (const ct of containers) if (badSeccomp(ct.sc)) add('seccompProfile_baseline', 'baseline', cp(ct, 'securityContext', 'seccompProfile', 'type'), 'must be RuntimeDefault, Localhost or unset');
  }
  const sysctls = allowedSysctls(minor);
  list(podSc.sysctls).forEach((s, i) => {
    const name = isObj(s) ? s.name : undefined;
    if (typeof name === 'string' && !sysctls.includes(name)) add('sysctls', 'baseline', at('securityContext', 'sysctls', i, 'name'), `must be one of the safe sysctls, got ${JSON.stringify(name)}`);
  });
  if (minor >= 34) {
    for (const ct of containers) {
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        const p = ct.c[probe];
        for (const handler of ['httpGet', 'tcpSocket'] as const) {
          if (isObj(p) && isObj(p[handler]) && typeof p[handler].host === 'string' && p[handler].host !== '') {
            add('hostProbesAndHostLifecycle', 'baseline', cp(ct, probe, handler, 'host'), `must be unset (a probe to ${JSON.stringify(p[handler].host)} is made from the node)`);
          }
        }
      }
      const lifecycle = isObj(ct.c.lifecycle) ? ct.c.lifecycle : {};
      for (const hook of ['postStart', 'preStop'] as const) {
        const h = lifecycle[hook];
        for (const handler of ['httpGet', 'tcpSocket'] as const) {
          if (isObj(h) && isObj(h[handler]) && typeof h[handler].host === 'string' && h[handler].host !== '') {
            add('hostProbesAndHostLifecycle', 'baseline', cp(ct, 'lifecycle', hook, handler, 'host'), `must be unset (the handler's request to ${JSON.stringify(h[handler].host)} is made from the node)`);
          }
        }
      }
    }
  }
  if (!restricted) return out;

  // --- restricted ---
  list(podSpec.volumes).forEach((v, i) => {
    if (!isObj(v)) return;
    const source = Object.keys(v).find((k) => k !== 'name' && v[k] !== undefined && v[k] !== null);
    if (source !== undefined && !RESTRICTED_VOLUME_SOURCES.includes(source)) {
      add('restrictedVolumes', 'restricted', at('volumes', i, source), `volume type ${source} is not allowed (allowed: ${RESTRICTED_VOLUME_SOURCES.join(', ')})`);
    }
  });
  if (!(windows && minor >= 25)) {
    for (const ct of containers) {
      if (ct.sc.allowPrivilegeEscalation !== false) add('allowPrivilegeEscalation', 'restricted', cp(ct, 'securityContext', 'allowPrivilegeEscalation'), 'must be false');
    }
  }
  if (!(userNamespace && minor >= 35)) {
    if (podSc.runAsNonRoot === false) add('runAsNonRoot', 'restricted', at('securityContext', 'runAsNonRoot'), 'must not be false');
    for (const ct of containers) {
      if (ct.sc.runAsNonRoot === false) add('runAsNonRoot', 'restricted', cp(ct, 'securityContext', 'runAsNonRoot'), 'must not be false');
      else if (ct.sc.runAsNonRoot === undefined && podSc.runAsNonRoot !== true) add('runAsNonRoot', 'restricted', cp(ct, 'securityContext', 'runAsNonRoot'), 'must be true (here or on the pod)');
    }
    if (podSc.runAsUser === 0) add('runAsUser', 'restricted', at('securityContext', 'runAsUser'), 'must not be 0');
    for (const ct of containers) if (ct.sc.runAsUser === 0) add('runAsUser', 'restricted', cp(ct, 'securityContext', 'runAsUser'), 'must not be 0');
  }
  if (!(windows && minor >= 25)) {
    const valid = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
    const podType = isObj(podSc.seccompProfile) ? podSc.seccompProfile.type : undefined;
    if (isObj(podSc.seccompProfile) && !valid(podType)) add('seccompProfile_restricted', 'restricted', at('securityContext', 'seccompProfile', 'type'), 'must be RuntimeDefault or Localhost');
    for (const ct of containers) {
      if (isObj(ct.sc.seccompProfile)) {
        if (!valid(ct.sc.seccompProfile.type)) add('seccompProfile_restricted', 'restricted', cp(ct, 'securityContext', 'seccompProfile', 'type'), 'must be RuntimeDefault or Localhost');
      } else if (!valid(podType)) {
        add('seccompProfile_restricted', 'restricted', cp(ct, 'securityContext', 'seccompProfile', 'type'), 'must be RuntimeDefault or Localhost (here or on the pod)');
      }
    }
    for (const ct of containers) {
      const caps = isObj(ct.sc.capabilities) ? ct.sc.capabilities : undefined;
      if (!caps || !list(caps.drop).includes('ALL')) add('capabilities_restricted', 'restricted', cp(ct, 'securityContext', 'capabilities', 'drop'), 'must include ALL');
      const extra = caps ? list(caps.add).filter((c) => c !== 'NET_BIND_SERVICE') : [];
      if (extra.length) add('capabilities_restricted', 'restricted', cp(ct, 'securityContext', 'capabilities', 'add'), `must not add ${extra.join(', ')} (only NET_BIND_SERVICE)`);
    }
  }
  return out;
}

/** The least permissive level whose checks the pod passes. */
export function requiredPodSecurityLevel(podSpec: Obj, options: Parameters<typeof podSecurityFindings>[2] = {}): PodSecurityLevel {
  if (podSecurityFindings(podSpec, 'restricted', options).length === 0) return 'restricted';
  if (podSecurityFindings(podSpec, 'baseline', options).length === 0) return 'baseline';
  return 'privileged';
}
