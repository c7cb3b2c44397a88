// dlopen/dlsym binding of the CUDA driver, NVRTC and cuBLASLt tables declared in CCUDA.h.
#define _GNU_SOURCE
#include "CCUDA.h"
#include <dlfcn.h>
#include <string.h>

void *ccuda_open(const char *path, char *error, size_t errorCapacity) {
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h && error && errorCapacity > 0) {
        const char *e = dlerror();
        strncpy(error, e ? e : "dlopen failed", errorCapacity - 1);
        error[errorCapacity - 1] = 0;
    }
    return h;
}

void ccuda_close(void *handle) {
    if (handle) dlclose(handle);
}

// Binds `field` to the symbol `name`; returns `name` from the enclosing function when it is missing.
#define BIND(table, field, name) \
    do { \
        void *sym = dlsym(handle, name); \
        if (!sym) return name; \
        memcpy(&(table)->field, &sym, sizeof(sym)); \
    } while (0)

const char *ccuda_bind_driver(void *handle, ccuda_driver *t) {
    BIND(t, cuInit, "cuInit");
    BIND(t, cuDriverGetVersion, "cuDriverGetVersion");
    BIND(t, cuDeviceGetCount, "cuDeviceGetCount");
    BIND(t, cuDeviceGet, "cuDeviceGet");
    BIND(t, cuDeviceGetName, "cuDeviceGetName");
    BIND(t, cuDeviceGetAttribute, "cuDeviceGetAttribute");
    BIND(t, cuDeviceTotalMem, "cuDeviceTotalMem_v2");
    BIND(t, cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
    BIND(t, cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2");
    BIND(t, cuCtxSetCurrent, "cuCtxSetCurrent");
    BIND(t, cuCtxSynchronize, "cuCtxSynchronize");
    BIND(t, cuMemGetInfo, "cuMemGetInfo_v2");
    BIND(t, cuMemAlloc, "cuMemAlloc_v2");
    BIND(t, cuMemFree, "cuMemFree_v2");
    BIND(t, cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2");
    BIND(t, cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2");
    BIND(t, cuMemcpyDtoDAsync, "cuMemcpyDtoDAsync_v2");
    BIND(t, cuMemsetD32Async, "cuMemsetD32Async");
    BIND(t, cuStreamCreate, "cuStreamCreate");
    BIND(t, cuStreamDestroy, "cuStreamDestroy_v2");
    BIND(t, cuStreamSynchronize, "cuStreamSynchronize");
    BIND(t, cuModuleLoadData, "cuModuleLoadData");
    BIND(t, cuModuleUnload, "cuModuleUnload");
    BIND(t, cuModuleGetFunction, "cuModuleGetFunction");
    BIND(t, cuFuncSetAttribute, "cuFuncSetAttribute");
    BIND(t, cuLaunchKernel, "cuLaunchKernel");
    BIND(t, cuGetErrorString, "cuGetErrorString");
    return NULL;
}

const char *ccuda_bind_nvrtc(void *handle, ccuda_nvrtc *t) {
    BIND(t, nvrtcVersion, "nvrtcVersion");
    BIND(t, nvrtcGetErrorString, "nvrtcGetErrorString");
    BIND(t, nvrtcCreateProgram, "nvrtcCreateProgram");
    BIND(t, nvrtcCompileProgram, "nvrtcCompileProgram");
    BIND(t, nvrtcGetPTXSize, "nvrtcGetPTXSize");
    BIND(t, nvrtcGetPTX, "nvrtcGetPTX");
    BIND(t, nvrtcGetCUBINSize, "nvrtcGetCUBINSize");
    BIND(t, nvrtcGetCUBIN, "nvrtcGetCUBIN");
    BIND(t, nvrtcGetProgramLogSize, "nvrtcGetProgramLogSize");
    BIND(t, nvrtcGetProgramLog, "nvrtcGetProgramLog");
    BIND(t, nvrtcDestroyProgram, "nvrtcDestroyProgram");
    return NULL;
}

const char *ccuda_bind_cublaslt(void *handle, ccuda_cublaslt *t) {
    BIND(t, cublasLtGetVersion, "cublasLtGetVersion");
    BIND(t, cublasLtCreate, "cublasLtCreate");
    BIND(t, cublasLtDestroy, "cublasLtDestroy");
    BIND(t, cublasLtMatmulDescCreate, "cublasLtMatmulDescCreate");
    BIND(t, cublasLtMatmulDescDestroy, "cublasLtMatmulDescDestroy");
    BIND(t, cublasLtMatmulDescSetAttribute, "cublasLtMatmulDescSetAttribute");
    BIND(t, cublasLtMatrixLayoutCreate, "cublasLtMatrixLayoutCreate");
    BIND(t, cublasLtMatrixLayoutDestroy, "cublasLtMatrixLayoutDestroy");
    BIND(t, cublasLtMatrixLayoutSetAttribute, "cublasLtMatrixLayoutSetAttribute");
    BIND(t, cublasLtMatmulPreferenceCreate, "cublasLtMatmulPreferenceCreate");
    BIND(t, cublasLtMatmulPreferenceDestroy, "cublasLtMatmulPreferenceDestroy");
    BIND(t, cublasLtMatmulPreferenceSetAttribute, "cublasLtMatmulPreferenceSetAttribute");
    BIND(t, cublasLtMatmulAlgoGetHeuristic, "cublasLtMatmulAlgoGetHeuristic");
    BIND(t, cublasLtMatmul, "cublasLtMatmul");
    return NULL;
}
