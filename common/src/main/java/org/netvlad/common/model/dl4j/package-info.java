/**
 * Workarounds of Deeplearning4j and ND4J limits, for DL4J and ND4J 1.0.0-M2.1 (dl4j-spark 1.0.0-M2)
 * with nd4j-native's {@code linux-x86_64-onednn-avx2} build (the parent pom). Each one does what
 * DL4J's own class does and computes the same; drop it when a DL4J version does not need it (and
 * keep its former name readable, see {@link FormerClassNames}).
 *
 * <ul>
 *   <li>{@link OneDnn} and {@link org.nd4j.nativeblas.Nd4jCpu} (which must keep ND4J's package to
 *       shadow the class DL4J looks up): M2.1 turns its layers' oneDNN helpers off by default and
 *       looks the oneDNN check up under a class and method name this ND4J no longer has, so every
 *       convolution would run DL4J's Java im2col path. The classes whose static initialisers call
 *       {@link OneDnn#enable()} ({@code Networks}, {@code DescriptorPoolingLayer}, {@code
 *       GlobalMaxPoolingLayer}) load before DL4J builds a network's layers.
 *   <li>{@link InputConvolutionLayer} ({@link InputConvolutionLayerImpl}, {@link Im2Col}): oneDNN's
 *       backward pass computes the input gradient of the first convolution, which nothing uses, and
 *       is slow on 3 input channels.
 *   <li>{@link MaxPooling2x2Layer} ({@link MaxPooling2x2LayerImpl}, {@link MaxPool2x2}): this
 *       oneDNN build has only its reference kernel for NCHW pooling, and libnd4j's own pooling
 *       calls a {@code std::function} per window.
 *   <li>{@link Relu}: libnd4j's {@code relu_bp} calls a {@code std::function} per element into a
 *       new array; DL4J's {@code ActivationReLU} runs it.
 *   <li>{@link ContiguousArrays}: ND4J's {@code asNioFloat()} ignores a view's offset, which the
 *       plain-Java kernels above read from.
 *   <li>{@link FormerClassNames}: DL4J saves layers, activations and updaters under their class
 *       names, so checkpoints name classes as they were when written.
 * </ul>
 *
 * <p>Custom layers are native DL4J layers (an implementation with its own {@code activate} and
 * {@code backpropGradient}), not {@code SameDiffLayer}s, whose gradients are wrong in M2 and M2.1;
 * their configurations must survive DL4J's JSON round trip, which Spark training and checkpoints
 * use (docs/stack.md, "DL4J custom layers — known traps").
 */
package org.netvlad.common.model.dl4j;
