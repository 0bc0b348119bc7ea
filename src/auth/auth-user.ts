/** The user a request or command acts for. Never taken from a request body. */
export interface AuthUser {
  id: number;
}
