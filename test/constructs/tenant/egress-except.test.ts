import { SandboxNamespace } from '../../../constructs/tenant/sandbox-namespace';
import { findObject, newChart, synthObjects } from '../../support/synth';

function egress(rules: ConstructorParameters<typeof SandboxNamespace>[2]['egressAllowlist']) {
  const chart = newChart();
  new SandboxNamespace(chart, 'Ns', { name: 'team', egressAllowlist: rules });
  return findObject(synthObjects(chart), 'NetworkPolicy', 'allow-egress').spec.egress;
}

describe('egress allowlist except', () => {
  test('own excepts come first, link-local and the metadata endpoints are always kept', () => {
    expect(egress([{ cidrs: ['0.0.0.0/0', '::/0'], except: ['10.0.0.0/8', 'fd00::/8'], ports: [{ port: 443 }] }])[0].to).toStrictEqual([
      { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16', '168.63.129.16/32'] } },
      { ipBlock: { cidr: '::/0', except: ['fd00::/8', 'fe80::/10', 'fd00:ec2::254/128', 'fd00:ec2::23/128', 'fd20:ce::254/128'] } },
    ]);
    // Listing link-local yourself does not duplicate it.
    expect(egress([{ cidrs: ['0.0.0.0/0'], except: ['169.254.0.0/16'], ports: [{ port: 443 }] }])[0].to).toStrictEqual([
      { ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16', '168.63.129.16/32'] } },
    ]);
  });

  describe('every port to a range that spans private addresses (issue 14 item 5)', () => {
    const ns = (rules: ConstructorParameters<typeof SandboxNamespace>[2]['egressAllowlist'], clusterCidrs?: string[]) => {
      const chart = newChart();
      return new SandboxNamespace(chart, 'Ns', { name: 'team', egressAllowlist: rules, clusterCidrs });
    };

    test('0.0.0.0/0 and ::/0 on every port are refused, naming the ranges they would reach', () => {
      expect(() => ns([{ cidrs: ['0.0.0.0/0', '::/0'] }])).toThrow(
        [
          'SandboxNamespace "test/Ns" has invalid props:',
          '  egressAllowlist[0].cidrs[0]: "0.0.0.0/0" on every port also reaches 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10 (other pods, the nodes, the API server, the rest of the network): list them in except, give the rule ports, or set allowPrivateRanges: true to accept it (recorded as a security opt-out)',
          '  egressAllowlist[0].cidrs[1]: "::/0" on every port also reaches fc00::/7 (other pods, the nodes, the API server, the rest of the network): list it in except, give the rule ports, or set allowPrivateRanges: true to accept it (recorded as a security opt-out)',
        ].join('\n'),
      );
      // Any CIDR wider than a private range counts, not only /0.
      expect(() => ns([{ cidrs: ['0.0.0.0/1'] }])).toThrow('"0.0.0.0/1" on every port also reaches 10.0.0.0/8, 100.64.0.0/10');
    });

    test('with the private ranges excepted it is accepted; cluster CIDRs outside them must be excepted too', () => {
      const privateExcepts = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];
      expect(ns([{ cidrs: ['0.0.0.0/0'], except: privateExcepts }]).egressRules[0].ipBlocks[0].except).toStrictEqual([...privateExcepts, '169.254.0.0/16', '168.63.129.16/32']);
      // A GKE cluster on privately used public ranges: its pod range must be excepted as well.
      expect(() => ns([{ cidrs: ['0.0.0.0/0'], except: privateExcepts }], ['34.118.224.0/20'])).toThrow('"0.0.0.0/0" on every port also reaches 34.118.224.0/20');
      expect(ns([{ cidrs: ['0.0.0.0/0'], except: [...privateExcepts, '34.118.224.0/20'] }], ['34.118.224.0/20']).egressRules).toHaveLength(1);
      // A rule with ports, or an explicit private range, is the user's stated intent.
      expect(ns([{ cidrs: ['0.0.0.0/0'], ports: [{ port: 443 }] }, { cidrs: ['10.0.0.0/8'] }]).securityOptOuts).toStrictEqual([]);
    });

    test('allowPrivateRanges: true accepts it and records the opt-out on the namespace and the NetworkPolicy', () => {
      const chart = newChart();
      new SandboxNamespace(chart, 'Ns', { name: 'team', egressAllowlist: [{ cidrs: ['203.0.113.0/24'], ports: [{ port: 22 }] }, { cidrs: ['0.0.0.0/0'], allowPrivateRanges: true }] });
      const objects = synthObjects(chart);
      expect(findObject(objects, 'Namespace').metadata.annotations).toStrictEqual({ 'agent-sandbox-infra.io/security-opt-outs': 'egressAllowlist[1].allowPrivateRanges' });
      expect(findObject(objects, 'NetworkPolicy', 'allow-egress').metadata.annotations).toStrictEqual({ 'agent-sandbox-infra.io/security-opt-outs': 'egress[1].allowPrivateRanges' });
    });

    test('allowPrivateRanges that changes nothing is an error (an opt-out must mean something)', () => {
      expect(() => ns([{ cidrs: ['0.0.0.0/0'], ports: [{ port: 443 }], allowPrivateRanges: true }])).toThrow('egressAllowlist[0].allowPrivateRanges: changes nothing (the rule has ports); remove it');
      expect(() => ns([{ cidrs: ['203.0.113.0/24'], allowPrivateRanges: true }])).toThrow(
        'egressAllowlist[0].allowPrivateRanges: changes nothing (its CIDRs reach no private range or cluster CIDR); remove it',
      );
    });
  });

  test('an except outside every cidr, or not a CIDR, is an error naming the rule', () => {
    const chart = newChart();
    expect(
      () => new SandboxNamespace(chart, 'Ns', { name: 'team', egressAllowlist: [{ cidrs: ['203.0.113.0/24'], except: ['198.51.100.0/24', '10.0.0.1/8'] }] }),
    ).toThrow(/egressAllowlist\[0\]\.except\[0\]: "198\.51\.100\.0\/24" is not strictly inside any of the rule's cidrs \(203\.0\.113\.0\/24\)[\s\S]*egressAllowlist\[0\]\.except\[1\]: /);
  });
});
