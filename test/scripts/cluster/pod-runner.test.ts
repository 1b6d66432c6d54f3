import { podStartScript } from '../../../scripts/cluster/pod-runner';

describe('podStartScript', () => {
  const script = podStartScript(
    {
      name: 'agent-sandbox-controller',
      command: '/cache/bin/agent-sandbox-controller',
      args: ['--leader-elect=true', "--odd='quote'"],
      env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '6443' },
      files: { '/etc/sandbox-config/allowed-label-domains': 'example.com\n', '/var/run/secrets/kubernetes.io/serviceaccount/token': 'tok' },
      emptyDirs: ['/tmp'],
      ports: [8081],
      hostname: 'agent-sandbox-controller-abc',
    },
    '/data/pods/c',
    '/data/pods/c/sockets',
    6443,
  );
  const lines = script.split('\n');
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));

  it('brings up loopback only and overlays /etc and /run, so the host files are never written', () => {
    expect(lines).toContain('ip link set lo up');
    expect(script).toMatch(/mount -t overlay overlay -o 'lowerdir=\/etc,upperdir=\/data\/pods\/c\/overlay_etc\/upper,workdir=\/data\/pods\/c\/overlay_etc\/work' '\/etc'/);
    expect(script).toMatch(/mount -t overlay overlay -o 'lowerdir=\/run,/);
    expect(script).not.toMatch(/ip (addr|link) add/);
  });

  it('writes volume files, starts the in-pod bridge, then mounts emptyDirs (which may hide the host /tmp), then execs the container', () => {
    const file = at(/base64 -d > '\/etc\/sandbox-config\/allowed-label-domains'/);
    const bridge = at(/bridge\.js' 'tcp:127\.0\.0\.1:6443' 'unix:\/run\/agent-sandbox-infra-bridge\/apiserver\.sock' 'unix:\/run\/agent-sandbox-infra-bridge\/port-8081\.sock' 'tcp:127\.0\.0\.1:8081'/);
    const empty = at(/mount --bind '\/data\/pods\/c\/empty-0' '\/tmp'/);
    const exec = at(/^exec env -i /);
    expect(file).toBeGreaterThan(0);
    expect(bridge).toBeGreaterThan(file);
    expect(empty).toBeGreaterThan(bridge);
    expect(exec).toBe(lines.length - 2);
  });

  it('starts the container with its environment only and its args quoted', () => {
    expect(lines[lines.length - 2]).toBe(
      "exec env -i 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' 'HOSTNAME=agent-sandbox-controller-abc' 'KUBERNETES_SERVICE_HOST=127.0.0.1' 'KUBERNETES_SERVICE_PORT=6443' '/cache/bin/agent-sandbox-controller' '--leader-elect=true' '--odd='\\''quote'\\'''",
    );
  });
});

describe('podStartScript with peers (the stand-in pod network)', () => {
  const base = { name: 'sandbox-router', command: '/cache/bin/sandbox-router', args: [], env: {}, files: {}, emptyDirs: [], ports: [8080], hostname: 'sandbox-router-abc' };
  const script = podStartScript({ ...base, peers: [{ ip: '10.244.0.7', port: 8888, target: '/data/pods/main/sockets/port-8888.sock' }] }, '/data/pods/r', '/data/pods/r/sockets', 6443);

  it("puts the peer's pod IP on the pod's own loopback and bridges ip:port to the peer socket inside the pod", () => {
    const lines = script.split('\n');
    const addr = lines.indexOf("ip addr add '10.244.0.7/32' dev lo");
    const bridge = lines.findIndex((l) => l.includes("'tcp:10.244.0.7:8888' 'unix:/run/agent-sandbox-infra-bridge/peer-10.244.0.7-8888.sock'"));
    expect(addr).toBeGreaterThan(lines.indexOf('ip link set lo up'));
    expect(bridge).toBeGreaterThan(addr);
  });

  it('refuses a peer address that is not an IPv4 address', () => {
    expect(() => podStartScript({ ...base, peers: [{ ip: '10.0.0.1; reboot', port: 1, target: '/x' }] }, '/d', '/d/s', 6443)).toThrow('peer pod IP "10.0.0.1; reboot" is not an IPv4 address');
  });
});
