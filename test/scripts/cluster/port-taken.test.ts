/**
 * A local cluster start is retried when a component finds its port taken; both runtimes' words for it count (the
 * last line of a real kube-controller-manager log that lost its port, and of the Node service proxy's).
 */
import { portTaken } from '../../../scripts/cluster/control-plane';

describe('portTaken', () => {
  test("Go's bind error (etcd, the Kubernetes components, kwok) and Node's EADDRINUSE are a taken port", () => {
    expect(portTaken('E1207 04:49:50.263864    2068 run.go:72] "command failed" err="failed to create listener: failed to listen on 127.0.0.1:41553: listen tcp 127.0.0.1:41553: bind: address already in use"')).toBe(true);
    expect(portTaken('service-proxy: listen EADDRINUSE: address already in use 127.0.0.1:42411')).toBe(true);
    expect(portTaken('service-proxy: listen EADDRINUSE 127.0.0.1:42411')).toBe(true);
  });

  test('any other failure is not retried', () => {
    expect(portTaken('kube-apiserver exited while waiting for kube-apiserver /readyz: open /tmp/x/pki/apiserver.crt: no such file or directory')).toBe(false);
  });
});
