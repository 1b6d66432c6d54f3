/**
 * Container image references, by the grammar the container runtimes parse them with
 * (github.com/distribution/reference, reference.go / regexp.go):
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [domain "/"] path-component ("/" path-component)*      (at most 255 characters)
 *   domain     := host [":" port]; the first component is a domain only when it has "." or ":" or is "localhost"
 *   path-component := [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*                (lowercase only)
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ":" hex; sha256 is 64 lowercase hex digits
 *
 * An image Kubernetes accepts but the runtime cannot parse leaves the pod in InvalidImageName; one without a tag
 * pulls `:latest`, which changes under you.
 */

export interface ImageReference {
  /** Registry host (with port), when the reference names one. */
  readonly domain?: string;
  /** The repository path below the domain. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;

/** The parsed reference, or why it is not one (a sentence after `image: "<ref>" `). */
export function parseImageReference(ref: string): ImageReference | string {
  if (ref === '') return 'is empty';
  if (ref !== ref.trim()) return 'has surrounding whitespace';
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return `has an invalid digest "${digest}" (e.g. sha256: followed by 64 lowercase hex digits)`;
    if (digest.startsWith('sha256:') && !SHA256.test(digest)) return `has an invalid sha256 digest "${digest}" (64 lowercase hex digits)`;
  }
  // A ":" after the last "/" starts the tag (one before it is a registry port).
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return `has an invalid tag "${tag}" (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")`;
  }
  if (rest.length > 255) return `has a name longer than 255 characters`;
  const parts = rest.split('/');
  let domain: string | undefined;
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')) {
    domain = parts.shift()!;
    const [host, port, extra] = domain.split(':');
    if (extra !== undefined || !host.split('.').every((c) => DOMAIN_COMPONENT.test(c)) || (port !== undefined && !/^\d+$/.test(port))) {
      return `has an invalid registry "${domain}"`;
    }
  }
  for (const part of parts) {
    if (PATH_COMPONENT.test(part)) continue;
    if (PATH_COMPONENT.test(part.toLowerCase())) return `has an uppercase repository name "${part}" (repository names are lowercase: "${part.toLowerCase()}")`;
    return `has an invalid repository name component "${part}" (lowercase letters and digits, separated by ".", "_", "__" or "-")`;
  }
  return { ...(domain !== undefined ? { domain } : {}), path: parts.join('/'), ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Why `ref` is not a valid image reference, or undefined. */
export function imageReferenceProblem(ref: unknown): string | undefined {
  if (typeof ref !== 'string') return undefined; // required/type problems are the schema's
  const parsed = parseImageReference(ref);
  return typeof parsed === 'string' ? `"${ref}" is not a valid image reference: it ${parsed}` : undefined;
}

/**
 * Why a valid reference is not pinned, or undefined: no tag (it pulls :latest) or the `latest` tag, without a digest.
 * The advice offers digest pinning, with commands that print the digest.
 */
export function unpinnedImageProblem(ref: unknown): string | undefined {
  if (typeof ref !== 'string') return undefined;
  const parsed = parseImageReference(ref);
  if (typeof parsed === 'string' || parsed.digest !== undefined) return undefined;
  if (parsed.tag !== undefined && parsed.tag !== 'latest') return undefined;
  const what = parsed.tag === undefined ? 'has no tag, so it pulls :latest' : 'uses the tag latest';
  const name = [parsed.domain, parsed.path].filter(Boolean).join('/');
  return (
    `"${ref}" ${what}, which changes under you (each node may run another image); pin a version tag, or better a digest: ` +
    `${name}:<version>@sha256:<digest> (\`crane digest ${name}:<version>\` or \`docker buildx imagetools inspect ${name}:<version>\` prints it)`
  );
}
