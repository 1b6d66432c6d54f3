/** Objects as users write them, for the tests that feed YAML files to the CLI. */

/** A SandboxTemplate that meets the secure profile, but for what the test puts in its one container's image and limits. */
export function sandboxTemplateYaml(t: { name: string; namespace: string; container: string; image: string; limits: string }): string {
  return `apiVersion: extensions.agents.x-k8s.io/v1beta1
kind: SandboxTemplate
metadata: { name: ${t.name}, namespace: ${t.namespace} }
spec:
  podTemplate:
    spec:
      runtimeClassName: gvisor
      automountServiceAccountToken: false
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: ${t.container}
          image: ${t.image}
          resources: { limits: ${t.limits} }
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
`;
}
