/**
 * Turns a pod that kwok "runs" on a simulated node into the real process of one of its containers: the container's
 * args and environment, its volumes' contents at their mount paths (read from the API server as the kubelet would,
 * the service-account token from the TokenRequest API bound to the pod), and its readiness probe answered by the
 * process itself. Only the image is replaced: by the binary built from the same release's Go module.
 */
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalCluster, Lifetime } from './control-plane';
import type { KubeClient, KubeObject } from './kube-client';
import { ComponentError, logTail, waitFor } from './processes';
import { startPodProcess, type PodPeer, type PodProcessSpec, type RunningPodProcess } from './pod-runner';

/** What the harness changes about a pod's process (never about the pod). */
export interface PodProcessOptions {
  /** Names the process (logs, pod folder). @default - the container's name */
  readonly name?: string;
  /** Replaces the container's args (its command is the built binary or a stand-in program). @default - the container's */
  readonly args?: readonly string[];
  /** Pods this one reaches over the stand-in pod network (pod-runner.ts). @default [] */
  readonly peers?: readonly PodPeer[];
}

const TOKEN_SECONDS = 24 * 3600;

async function configMapData(client: KubeClient, namespace: string, name: string, optional: boolean, what: string): Promise<Record<string, string> | undefined> {
  const cm = await client.get(`/api/v1/namespaces/${namespace}/configmaps/${name}`);
  if (!cm) {
    if (optional) return undefined;
    throw new ComponentError(`${what}: ConfigMap ${namespace}/${name} does not exist`);
  }
  return (cm.data ?? {}) as Record<string, string>;
}

async function secretData(client: KubeClient, namespace: string, name: string, optional: boolean, what: string): Promise<Record<string, string> | undefined> {
  const s = await client.get(`/api/v1/namespaces/${namespace}/secrets/${name}`);
  if (!s) {
    if (optional) return undefined;
    throw new ComponentError(`${what}: Secret ${namespace}/${name} does not exist`);
  }
  return Object.fromEntries(Object.entries((s.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

function itemsOf(data: Record<string, string>, items: { key: string; path: string }[] | undefined): Record<string, string> {
  if (!items) return data;
  return Object.fromEntries(items.filter((i) => i.key in data).map((i) => [i.path, data[i.key]]));
}

function fieldValue(pod: KubeObject, fieldPath: string, what: string): string {
  const values: Record<string, string | undefined> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': pod.spec.nodeName,
    'spec.serviceAccountName': pod.spec.serviceAccountName,
    'status.podIP': pod.status?.podIP,
    'status.hostIP': pod.status?.hostIP,
  };
  const value = values[fieldPath];
  if (value === undefined) throw new ComponentError(`${what}: fieldRef ${fieldPath} is not supported by the local pod runner`);
  return value;
}

async function tokenFor(client: KubeClient, pod: KubeObject, audience?: string, seconds?: number): Promise<string> {
  const sa = pod.spec.serviceAccountName ?? 'default';
  const res = await client.create(`/api/v1/namespaces/${pod.metadata.namespace}/serviceaccounts/${sa}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: {
      ...(audience ? { audiences: [audience] } : {}),
      expirationSeconds: Math.max(seconds ?? TOKEN_SECONDS, TOKEN_SECONDS),
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
    },
  });
  return res.status.token as string;
}

/** The files, emptyDirs and environment of `container` in `pod`, resolved the way the kubelet would. */
export async function podProcessSpec(cluster: LocalCluster, pod: KubeObject, containerName: string, command: string, opts: PodProcessOptions = {}): Promise<PodProcessSpec> {
  const client = cluster.client;
  const ns: string = pod.metadata.namespace;
  const container = (pod.spec.containers as KubeObject[]).find((c) => c.name === containerName);
  const what = `pod ${ns}/${pod.metadata.name} container ${containerName}`;
  if (!container) throw new ComponentError(`${what} does not exist`);
  const files: Record<string, string> = {};
  const emptyDirs: string[] = [];
  const volumes = new Map<string, KubeObject>((pod.spec.volumes ?? []).map((v: KubeObject) => [v.name, v]));
  for (const mount of (container.volumeMounts ?? []) as KubeObject[]) {
    const volume = volumes.get(mount.name);
    if (!volume) throw new ComponentError(`${what}: volumeMount ${mount.name} has no volume`);
    const put = (data: Record<string, string> | undefined) => {
      for (const [path, content] of Object.entries(data ?? {})) files[join(mount.mountPath, path)] = content;
    };
    if (volume.emptyDir) emptyDirs.push(mount.mountPath);
    else if (volume.configMap) put(await configMapData(client, ns, volume.configMap.name, volume.configMap.optional === true, what).then((d) => d && itemsOf(d, volume.configMap.items)));
    else if (volume.secret) put(await secretData(client, ns, volume.secret.secretName, volume.secret.optional === true, what).then((d) => d && itemsOf(d, volume.secret.items)));
    else if (volume.projected) {
      for (const source of volume.projected.sources as KubeObject[]) {
        if (source.serviceAccountToken) files[join(mount.mountPath, source.serviceAccountToken.path)] = await tokenFor(client, pod, source.serviceAccountToken.audience, source.serviceAccountToken.expirationSeconds);
        else if (source.configMap) put(await configMapData(client, ns, source.configMap.name, source.configMap.optional === true, what).then((d) => d && itemsOf(d, source.configMap.items)));
        else if (source.secret) put(await secretData(client, ns, source.secret.name, source.secret.optional === true, what).then((d) => d && itemsOf(d, source.secret.items)));
        else if (source.downwardAPI) {
          for (const item of source.downwardAPI.items as KubeObject[]) files[join(mount.mountPath, item.path)] = fieldValue(pod, item.fieldRef.fieldPath, what);
        } else throw new ComponentError(`${what}: projected source ${Object.keys(source).join(',')} is not supported by the local pod runner`);
      }
    } else throw new ComponentError(`${what}: volume ${mount.name} (${Object.keys(volume).filter((k) => k !== 'name').join(',')}) is not supported by the local pod runner`);
  }
  const env: Record<string, string> = {
    // In-cluster configuration: the API server, reached through the pod's bridge on its own loopback.
    KUBERNETES_SERVICE_HOST: '127.0.0.1',
    KUBERNETES_SERVICE_PORT: new URL(cluster.state.server).port,
  };
  for (const from of (container.envFrom ?? []) as KubeObject[]) {
    const data = from.configMapRef
      ? await configMapData(client, ns, from.configMapRef.name, from.configMapRef.optional === true, what)
      : await secretData(client, ns, from.secretRef.name, from.secretRef.optional === true, what);
    for (const [k, v] of Object.entries(data ?? {})) env[`${from.prefix ?? ''}${k}`] = v;
  }
  for (const e of (container.env ?? []) as KubeObject[]) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.fieldRef) env[e.name] = fieldValue(pod, e.valueFrom.fieldRef.fieldPath, what);
    else if (e.valueFrom?.configMapKeyRef) {
      const d = await configMapData(client, ns, e.valueFrom.configMapKeyRef.name, e.valueFrom.configMapKeyRef.optional === true, what);
      if (d?.[e.valueFrom.configMapKeyRef.key] !== undefined) env[e.name] = d[e.valueFrom.configMapKeyRef.key];
    } else if (e.valueFrom?.secretKeyRef) {
      const d = await secretData(client, ns, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.optional === true, what);
      if (d?.[e.valueFrom.secretKeyRef.key] !== undefined) env[e.name] = d[e.valueFrom.secretKeyRef.key];
    } else throw new ComponentError(`${what}: env ${e.name} (${JSON.stringify(e.valueFrom)}) is not supported by the local pod runner`);
  }
  const ports = ((container.ports ?? []) as KubeObject[]).map((p) => Number(p.containerPort));
  const probePort = container.readinessProbe?.httpGet?.port;
  const resolved = typeof probePort === 'string' ? Number(((container.ports ?? []) as KubeObject[]).find((p) => p.name === probePort)?.containerPort) : probePort;
  if (resolved !== undefined && !ports.includes(resolved)) ports.push(resolved);
  return {
    name: `${containerName}`,
    command,
    args: opts.args ? [...opts.args] : [...((container.command ?? []) as string[]).slice(1), ...((container.args ?? []) as string[])],
    env,
    files,
    emptyDirs,
    ports,
    hostname: pod.metadata.name,
    ...(opts.peers?.length ? { peers: opts.peers } : {}),
  };
}

/** GET over the Unix socket that reaches a pod port: the HTTP status, or 0 when nothing answers. */
export function httpStatusOverSocket(socketPath: string, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path, method: 'GET', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Starts the real process for `container` of the first Running pod of a Deployment, tracked by the cluster, and
 * waits until its readiness probe answers 200 from inside the process.
 */
export async function runDeploymentPod(
  cluster: LocalCluster,
  deployment: { namespace: string; name: string; container: string },
  command: string,
  lifetime: Lifetime,
  /** Names the process (logs, pod folder); another name for a second process of the same container (a rolled Deployment). */
  processName = deployment.container,
  opts: PodProcessOptions = {},
): Promise<RunningPodProcess> {
  const client = cluster.client;
  const what = `Deployment ${deployment.namespace}/${deployment.name}`;
  let pod: KubeObject | undefined;
  await waitFor(
    `a Running pod of ${what} on a simulated node`,
    async () => {
      const d = await client.get(`/apis/apps/v1/namespaces/${deployment.namespace}/deployments/${deployment.name}`);
      if (!d) return false;
      const selector = Object.entries(d.spec.selector.matchLabels as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
      // A pod of the Deployment's current template (after a roll, the new ReplicaSet's), Running, not being deleted.
      const image = (d.spec.template.spec.containers as KubeObject[]).find((c) => c.name === deployment.container)?.image;
      const pods = await client.list(`/api/v1/namespaces/${deployment.namespace}/pods`, { labelSelector: selector });
      pod = pods
        .filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp)
        .filter((p) => (p.spec.containers as KubeObject[]).some((c) => c.name === deployment.container && c.image === image))
        .sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)))[0];
      return pod !== undefined;
    },
    {
      timeoutMs: 60_000,
      describe: async () => {
        const pods = await client.list(`/api/v1/namespaces/${deployment.namespace}/pods`);
        const events = await client.list(`/api/v1/namespaces/${deployment.namespace}/events`);
        return `pods: ${pods.map((p) => `${p.metadata.name} ${p.status?.phase} ${JSON.stringify(p.status?.conditions ?? [])}`).join('; ') || 'none'}\nevents: ${events.map((e) => `${e.involvedObject.kind}/${e.involvedObject.name}: ${e.reason}: ${e.message}`).join('\n  ')}`;
      },
    },
  );
  return runPod(cluster, pod!, deployment.container, command, lifetime, { ...opts, name: processName });
}

/**
 * Starts the real process for `container` of a running `pod`, tracked by the cluster, routes the Services that
 * select it to it, and waits until its readiness probe (if any) answers 200 from inside the process.
 */
export async function runPod(cluster: LocalCluster, pod: KubeObject, containerName: string, command: string, lifetime: Lifetime, opts: PodProcessOptions = {}): Promise<RunningPodProcess> {
  const spec = { ...(await podProcessSpec(cluster, pod, containerName, command, opts)), name: opts.name ?? containerName };
  const running = await startPodProcess(spec, { dataDir: cluster.dataDir, apiServerPort: Number(new URL(cluster.state.server).port), lifetime });
  for (const p of running.processes) cluster.track(p);
  await routeServicesTo(cluster, pod, running);
  const container = (pod.spec.containers as KubeObject[]).find((c) => c.name === containerName)!;
  const probe = container.readinessProbe?.httpGet;
  if (probe) {
    const port = typeof probe.port === 'string' ? Number((container.ports as KubeObject[]).find((p) => p.name === probe.port)!.containerPort) : Number(probe.port);
    await waitFor(`${spec.name} readiness (${probe.path} on port ${port}, inside its pod)`, async () => (await httpStatusOverSocket(running.hostSocket(port), probe.path)) === 200, {
      timeoutMs: 60_000,
      watch: [running.main],
      describe: () => `${spec.name} log:\n${logTail(running.main.logFile)}`,
    });
  }
  return running;
}

/**
 * Routes every port of every Service that selects `pod` (in its namespace) to the pod's real process, through the
 * cluster's service proxy: the API server can then call the Service (a conversion webhook) as it would in a cluster.
 */
async function routeServicesTo(cluster: LocalCluster, pod: KubeObject, running: RunningPodProcess): Promise<void> {
  const labels = (pod.metadata.labels ?? {}) as Record<string, string>;
  const containerPorts = (pod.spec.containers as KubeObject[]).flatMap((c) => (c.ports ?? []) as KubeObject[]);
  const routes: Record<string, string> = {};
  for (const svc of await cluster.client.list(`/api/v1/namespaces/${pod.metadata.namespace}/services`)) {
    const selector = (svc.spec.selector ?? {}) as Record<string, string>;
    if (!svc.spec.clusterIP || svc.spec.clusterIP === 'None' || Object.keys(selector).length === 0) continue;
    if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) continue;
    for (const port of (svc.spec.ports ?? []) as KubeObject[]) {
      const target = port.targetPort ?? port.port;
      const containerPort = typeof target === 'string' ? containerPorts.find((p) => p.name === target)?.containerPort : target;
      if (containerPort === undefined) continue;
      // The API server asks for the Service by DNS name (webhook clientConfig.service) or by ClusterIP.
      const host = `${svc.metadata.name}.${svc.metadata.namespace}.svc`;
      for (const address of [host, `${host}.cluster.local`, svc.spec.clusterIP]) routes[`${address}:${port.port}`] = `unix:${running.hostSocket(Number(containerPort))}`;
    }
  }
  cluster.addServiceRoutes(routes);
}

/** Lines of a process log that report a request the API server refused for lack of permission. */
export function forbiddenLines(logFile: string): string[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => /\bforbidden\b/i.test(l) && /cannot (get|list|watch|create|update|patch|delete)/.test(l));
}
