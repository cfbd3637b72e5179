import { api } from './stack';

/** A staff bearer token from the local issuer (POST /dev/token). */
export async function staffToken(
  stack: { appUrl: string },
  roles: string[],
  email = `${roles[0]}@soiro.example.ru`,
) {
  const { status, json } = await api(stack, 'POST', '/dev/token', { email, roles });
  if (status !== 200) throw new Error(`token: ${status}`);
  return { authorization: `Bearer ${json.token}` };
}
