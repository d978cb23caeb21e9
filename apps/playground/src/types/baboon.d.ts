/** baboon-image-uri: the 128×128 Mandrill photograph as a PNG data URI. */
declare module 'baboon-image-uri' {
  const uri: string;
  export default uri;
}
